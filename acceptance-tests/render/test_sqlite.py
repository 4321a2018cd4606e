"""The rendered sqlite script under `busybox sh` + the real sqlite3: a consistent copy that
passes PRAGMA integrity_check, side files next to it, age-based retention by name, and a
corrupted source that fails the job without a snapshot or a success metric."""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from backstop_render_support import alpine_like_path, render_job, require_tool, run_script

ROWS = 2000
STAMP_GLOB = "[0-9]" * 8 + "-" + "[0-9]" * 6


@pytest.fixture
def vaultwarden(tmp_path):
    data = tmp_path / "data"
    (data / "attachments" / "abc").mkdir(parents=True)
    (data / "attachments" / "abc" / "file.bin").write_bytes(b"\x00\x01attachment")
    (data / "rsa_key.pem").write_text("-----BEGIN KEY-----\n")
    database = data / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE ciphers (id INTEGER PRIMARY KEY, data TEXT)")
        db.executemany("INSERT INTO ciphers (data) VALUES (?)", [(f"secret-{i}-" + "x" * 100,) for i in range(ROWS)])
    db.close()
    backup = tmp_path / "backup"
    backup.mkdir()
    job = render_job({
        "name": "vaultwarden", "namespace": "vaultwarden", "schedule": "0 */6 * * *", "strategy": "sqlite",
        "source_claim": "vaultwarden-data", "destination_claim": "vaultwarden-backup-host", "keep": 30,
        "mounts": {"data": {"path": str(data)}},
        "database": str(database),
        "extra_paths": [str(data / "rsa_key.pem"), str(data / "attachments")],
    })
    path = alpine_like_path(tmp_path / "bin", ["sqlite3"])
    return database, backup, job, path


def integrity(database: pathlib.Path) -> str:
    return subprocess.run([require_tool("sqlite3"), str(database), "PRAGMA integrity_check;"],
                          capture_output=True, text=True).stdout.strip()


def snapshots(backup: pathlib.Path) -> list[pathlib.Path]:
    return sorted(backup.glob(STAMP_GLOB))


def test_the_copy_passes_integrity_check_and_holds_the_data(vaultwarden, pushgateway):
    database, backup, job, path = vaultwarden
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url})
    assert done.returncode == 0, done.stderr
    [snapshot] = snapshots(backup)
    copy = snapshot / "db.sqlite3"
    assert integrity(copy) == "ok"
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM ciphers").fetchone()[0] == ROWS
    db.close()
    assert (snapshot / "rsa_key.pem").read_text() == "-----BEGIN KEY-----\n"
    assert (snapshot / "attachments/abc/file.bin").read_bytes() == b"\x00\x01attachment"
    assert not list(backup.glob(".partial-*"))
    metrics = pushgateway.metrics("vaultwarden-backup")
    assert metrics["backup_output_bytes"] >= database.stat().st_size
    assert metrics["backup_last_success_timestamp"] > 0


def test_a_corrupted_source_fails_leaves_no_snapshot_and_pushes_nothing(vaultwarden, pushgateway):
    database, backup, job, path = vaultwarden
    raw = bytearray(database.read_bytes())
    page = 4096
    raw[2 * page: 6 * page] = b"\xde\xad\xbe\xef" * page  # clobber b-tree pages, keep the header
    database.write_bytes(bytes(raw))
    assert integrity(database) != "ok", "the corruption must be real for this test to mean anything"
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url})
    assert done.returncode != 0
    assert "integrity_check" in done.stderr
    assert list(backup.iterdir()) == []
    assert pushgateway.metrics("vaultwarden-backup") == {}


def test_retention_removes_snapshots_older_than_keep_days_by_name(vaultwarden, pushgateway):
    """Ages count from the newest copy before the run (20260320-060000), not from the clock
    (changed with issue 9: a clock that jumps ahead for one run must not delete history):
    33 days before it goes, 15 days before it stays although it is 32 days before the run."""
    database, backup, job, path = vaultwarden
    old, kept, recent = backup / "20260215-060000", backup / "20260305-060000", backup / "20260320-060000"
    unrelated = [backup / "manual", backup / "2026-03-01"]
    for folder in [old, kept, recent, *unrelated]:
        folder.mkdir()
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"},
                      faketime="2026-04-06 06:00:00")
    assert done.returncode == 0, done.stderr
    names = [p.name for p in snapshots(backup)]
    assert old.name not in names and kept.name in names and recent.name in names
    assert not [p for p in backup.iterdir() if p.name.startswith(".")], "no partial, lock or .deleting-* left"
    assert any(n.startswith("20260406-06") for n in names)
    assert all(folder.exists() for folder in unrelated)


@pytest.fixture
def read_only_source():
    """A source folder the job cannot write to, as on the CronJob's read-only mount: the
    job runs as `nobody` (root ignores permissions), everything under a private temp dir
    that `nobody` may enter (pytest's tmp_path parents are 0700 root)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="backstop-ro-"))
    base.chmod(0o755)
    data, backup = base / "data", base / "backup"
    data.mkdir()
    backup.mkdir()
    if os.geteuid() == 0:
        shutil.chown(backup, "nobody")
    yield base, data, backup
    data.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


def wal_database(path: pathlib.Path, rows: int) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # keep new rows in the -wal file only
    db.execute("CREATE TABLE ciphers (id INTEGER PRIMARY KEY, data TEXT)")
    db.executemany("INSERT INTO ciphers (data) VALUES (?)", [(f"row {i}",) for i in range(rows)])
    db.commit()
    return db


def read_only_job(base, data, database):
    job = render_job({
        "name": "vaultwarden", "namespace": "vaultwarden", "schedule": "0 */6 * * *", "strategy": "sqlite",
        "source_claim": "vaultwarden-data", "destination_claim": "vaultwarden-backup-host",
        "mounts": {"data": {"path": str(data)}}, "database": str(database),
    })
    return job, alpine_like_path(base / "bin", ["sqlite3"])


@pytest.mark.parametrize("app_running", [True, False], ids=["app-running", "app-stopped"])
def test_a_wal_database_on_a_read_only_source_is_backed_up(read_only_source, pushgateway, app_running):
    base, data, backup = read_only_source
    database = data / "vault.db"  # any name: the copy is always db.sqlite3 (conventions §2)
    app = wal_database(database, 300)
    if app_running:
        assert (data / "vault.db-wal").stat().st_size > 0, "the rows must sit in the WAL for this case"
    else:
        app.close()  # a clean close checkpoints and removes -wal and -shm
        assert not (data / "vault.db-wal").exists()
    data.chmod(0o555)
    job, path = read_only_job(base, data, database)
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url}, user="nobody")
    if app_running:
        app.close()
    assert done.returncode == 0, done.stderr
    [snapshot] = snapshots(backup)
    assert integrity(snapshot / "db.sqlite3") == "ok"
    with sqlite3.connect(snapshot / "db.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM ciphers").fetchone()[0] == 300
    copy.close()
    assert "backup_last_success_timestamp" in pushgateway.metrics("vaultwarden-backup")
