"""The sqlite restore drill under `busybox sh` + the real sqlite3 and b3sum: the copy's
manifest (with its page count), PRAGMA integrity_check and the user's check_query, and no
metrics pushed for a failed drill."""
import json
import os
import pathlib
import sqlite3
import subprocess

import pytest

from backstop_render_support import RENDER_JSON, alpine_like_path, render, require_tool, run_script

ROWS = 500
STAMP_GLOB = "[0-9]" * 8 + "-" + "[0-9]" * 6
PAGE = 4096
DRILL_METRICS = {"backup_restore_test_last_success_timestamp", "backup_restore_test_duration_seconds",
                 "backup_restore_test_bytes", "backup_restore_test_files"}


@pytest.fixture
def app(tmp_path):
    data = tmp_path / "data"
    (data / "attachments").mkdir(parents=True)
    (data / "attachments" / "a.bin").write_bytes(b"\x00attachment")
    database = data / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(f"PRAGMA page_size = {PAGE}")
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO users (name) VALUES (?)", [(f"user-{i}-" + "x" * 200,) for i in range(ROWS)])
    db.close()
    backup = tmp_path / "backup"
    backup.mkdir()
    job = {"name": "app", "namespace": "apps", "schedule": "0 */6 * * *", "strategy": "sqlite",
           "source_claim": "app-data", "destination_claim": "app-backup-host",
           "mounts": {"data": {"path": str(data)}}, "database": str(database),
           "extra_paths": [str(data / "attachments")]}
    path = alpine_like_path(tmp_path / "bin", ["sqlite3"])
    return job, backup, path


def drill_script(job, **test):
    return render({"restore_tests": [{"job": job, "restore_test": test}]})["restore_tests"][0]["script"]


def back_up(job, backup, path, pushgateway) -> pathlib.Path:
    script = render({"jobs": [job]})["jobs"][0]["script"]
    done = run_script(script, path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url})
    assert done.returncode == 0, done.stderr
    [snapshot] = sorted(backup.glob(STAMP_GLOB))
    return snapshot


def drill(script, backup, tmp_path, path, pushgateway):
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    return run_script(script, path, {"BACKUP_DIR": str(backup), "SCRATCH_DIR": str(scratch),
                                     "PUSHGATEWAY_URL": pushgateway.url})


def b3(path: pathlib.Path) -> str:
    with open(path, "rb") as f:
        return subprocess.run([require_tool("b3sum"), "--no-names"], stdin=f, capture_output=True,
                              text=True, check=True).stdout.strip()


def reseal(snapshot: pathlib.Path) -> None:
    """Rewrites the manifest's hash of db.sqlite3 to match its current bytes: a copy that
    was already corrupt when the backup hashed it, which only the database's own check sees."""
    manifest = snapshot / ".backstop-manifest"
    lines = manifest.read_text().split("\n")
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if fields[0] == "db.sqlite3":
            fields[7] = b3(snapshot / "db.sqlite3")
            lines[i] = "\t".join(fields)
    manifest.write_text("\n".join(lines))


def test_the_manifest_records_the_copy_and_its_page_count(app, pushgateway):
    job, backup, path = app
    snapshot = back_up(job, backup, path, pushgateway)
    lines = (snapshot / ".backstop-manifest").read_text().splitlines()
    pages = os.path.getsize(snapshot / "db.sqlite3") // PAGE
    assert f"#meta\tpage_count\t{pages}" in lines
    rows = {l.split("\t")[0]: l.split("\t") for l in lines if not l.startswith("#")}
    assert set(rows) == {"db.sqlite3", "attachments", "attachments/a.bin"}
    assert rows["db.sqlite3"][7] == b3(snapshot / "db.sqlite3")


def test_the_drill_passes_and_runs_the_check_query(app, pushgateway, tmp_path):
    job, backup, path = app
    back_up(job, backup, path, pushgateway)
    done = drill(drill_script(job, check_query="SELECT count(*) FROM users", min_rows=ROWS), backup, tmp_path,
                 path, pushgateway)
    assert done.returncode == 0, done.stderr
    metrics = pushgateway.metrics("app-restore-test")
    assert DRILL_METRICS <= metrics.keys()
    assert metrics["backup_restore_test_files"] == 2


def test_the_drill_fails_on_a_corrupted_page_a_short_count_or_a_bad_query(app, pushgateway, tmp_path):
    job, backup, path = app
    snapshot = back_up(job, backup, path, pushgateway)
    good = drill_script(job, check_query="SELECT count(*) FROM users", min_rows=ROWS)
    cases = [
        (drill_script(job, check_query="SELECT count(*) FROM users", min_rows=ROWS + 1), f"fewer than min_rows {ROWS + 1}"),
        (drill_script(job, check_query="SELECT name FROM users LIMIT 1"), "not one whole number"),
        (drill_script(job, check_query="SELECT count(*) FROM no_such_table"), "no such table"),
    ]
    for script, message in cases:
        done = drill(script, backup, tmp_path, path, pushgateway)
        assert done.returncode != 0 and message in done.stderr, done.stderr[-2000:]
    # One page of table data overwritten: the manifest's hash catches it ...
    copy = snapshot / "db.sqlite3"
    data = bytearray(copy.read_bytes())
    data[3 * PAGE + 100: 3 * PAGE + 400] = b"\xff" * 300
    copy.write_bytes(bytes(data))
    done = drill(good, backup, tmp_path, path, pushgateway)
    assert done.returncode != 0 and "content differs: db.sqlite3" in done.stderr, done.stderr[-2000:]
    # ... and with a manifest that agrees with the corrupt bytes, integrity_check does.
    reseal(snapshot)
    done = drill(good, backup, tmp_path, path, pushgateway)
    assert done.returncode != 0 and "failed PRAGMA integrity_check" in done.stderr, done.stderr[-2000:]
    assert not DRILL_METRICS & pushgateway.metrics("app-restore-test").keys()
    assert os.listdir(tmp_path / "scratch") == []


def restore_script(job, **restore):
    return render({"restores": [{"job": job, "restore": restore}]})["restores"][0]["script"]


def test_a_restore_brings_back_the_database_under_its_name_with_its_side_files(app, pushgateway, tmp_path):
    job, backup, path = app
    # The app calls its database app.db; the snapshot always holds db.sqlite3.
    data = pathlib.Path(job["database"]).parent
    os.rename(job["database"], data / "app.db")
    job = {**job, "database": str(data / "app.db")}
    back_up(job, backup, path, pushgateway)
    target = tmp_path / "claim/data"
    done = run_script(restore_script(job), path, {"BACKUP_DIR": str(backup), "TARGET_DIR": str(target)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(os.listdir(target)) == ["app.db", "attachments"]
    assert (target / "attachments/a.bin").read_bytes() == b"\x00attachment"
    with sqlite3.connect(target / "app.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*), max(name) FROM users").fetchone() == \
            (ROWS, max(f"user-{i}-" + "x" * 200 for i in range(ROWS)))
    db.close()
    assert os.listdir(target.parent) == ["data"]


def test_a_restore_refuses_a_copy_with_a_corrupted_page(app, pushgateway, tmp_path):
    job, backup, path = app
    snapshot = back_up(job, backup, path, pushgateway)
    copy = snapshot / "db.sqlite3"
    data = bytearray(copy.read_bytes())
    data[3 * PAGE + 100: 3 * PAGE + 400] = b"\xff" * 300
    copy.write_bytes(bytes(data))
    reseal(snapshot)  # the manifest agrees with the corrupt bytes: only integrity_check sees it
    target = tmp_path / "claim/data"
    target.mkdir(parents=True)
    (target / "db.sqlite3").write_text("the app's current database\n")
    script = restore_script(job, overwrite=True, snapshot=snapshot.name)
    done = run_script(script, path, {"BACKUP_DIR": str(backup), "TARGET_DIR": str(target)})
    assert done.returncode != 0 and "failed PRAGMA integrity_check" in done.stderr, done.stderr[-2000:]
    assert os.listdir(target) == ["db.sqlite3"] and (target / "db.sqlite3").read_text() == "the app's current database\n"
    assert os.listdir(target.parent) == ["data"]


def test_a_sqlite_restore_names_a_stamp_not_a_week(app):
    job, _, _ = app
    done = subprocess.run([str(RENDER_JSON)],
                          input=json.dumps({"restores": [{"job": job, "restore": {"snapshot": "2026-15", "folder": "data"}}]}),
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert 'restore.snapshot: "2026-15" is not a sqlite snapshot name' in done.stderr, done.stderr
    assert "like 20260406-030000" in done.stderr
    assert "restore.folder: folder applies to rsync jobs only" in done.stderr, done.stderr
