"""The rendered scripts under an operator's bad night (issue 9): clocks that jump, sources
that empty, SIGKILLs at random points (retention included), a SQLite database under a
busy writer, a maildir whose files move during the copy, and the alert path of a run that
fails or hits the Job's deadline. Real busybox, rsync, sqlite3, faketime, PostgreSQL,
Pushgateway and promtool; randomness is seeded."""
import datetime
import gzip
import hashlib
import os
import pathlib
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
import yaml

from backstop_render_support import alpine_like_path, render, render_job, require_tool, run_script, start_script
from test_dumps import PASSWORD, Postgres, private_dir  # noqa: F401 (private_dir is a fixture)

STAMP_GLOB = "[0-9]" * 8 + "-" + "[0-9]" * 6
WEEK_GLOB = "[0-9]" * 4 + "-" + "[0-9]" * 2


def fake(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def week_of(moment: datetime.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-{week:02}"


def tree_digest(root: pathlib.Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and not p.name.startswith(".backstop-")}


def listing(root: pathlib.Path) -> list[tuple]:
    """Every entry under `root` with inode, size and mtime: equal means untouched."""
    return sorted((str(p.relative_to(root)), p.lstat().st_ino, p.lstat().st_size, p.lstat().st_mtime_ns)
                  for p in root.rglob("*"))


def rsync_job(source: pathlib.Path, keep: int, **extra) -> dict:
    return render_job({"name": "mail", "namespace": "mail", "schedule": "0 3 * * 1", "strategy": "rsync",
                       "source_claim": "mail-data", "destination_claim": "mail-backup", "keep": keep,
                       "mounts": {"data": {"path": str(source)}}, **extra})


def maildir(root: pathlib.Path, users: int, files: int) -> pathlib.Path:
    for d in range(users):
        (root / f"user{d:02}" / "cur").mkdir(parents=True, exist_ok=True)
        for f in range(files):
            (root / f"user{d:02}" / "cur" / f"{f:04}:2,S").write_text(f"mail {d}/{f}\n" * 10)
    return root


def sqlite_job(data: pathlib.Path, database: pathlib.Path, keep: int = 30) -> dict:
    return render_job({"name": "app", "namespace": "app", "schedule": "0 */6 * * *", "strategy": "sqlite",
                       "source_claim": "app-data", "destination_claim": "app-backup", "keep": keep,
                       "mounts": {"data": {"path": str(data)}}, "database": str(database)})


def make_database(database: pathlib.Path, rows: int, journal: str = "wal") -> None:
    db = sqlite3.connect(database)
    db.execute(f"PRAGMA journal_mode={journal}")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO items (body) VALUES (?)", [("x" * 200,) for _ in range(rows)])
    db.commit()
    db.close()


def integrity_and_rows(copy: pathlib.Path) -> tuple[str, int, int]:
    db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        count, top = db.execute("SELECT count(*), coalesce(max(id), 0) FROM items").fetchone()
        return check, count, top
    finally:
        db.close()


# --- clocks ---------------------------------------------------------------------------

def test_sqlite_clock_60_days_ahead_keeps_every_copy_and_a_copy_from_the_future_stops_the_next_run(tmp_path, pushgateway):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "app.db"
    make_database(database, 1000)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = sqlite_job(data, database, keep=30)
    path = alpine_like_path(tmp_path / "bin", ["sqlite3"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    now = datetime.datetime(2026, 4, 6, 6, 0, 0)
    # 40 copies, every 6 hours over the last 10 days (one real run, copied under 40 stamps).
    done = run_script(job["script"], path, env, faketime=fake(now - datetime.timedelta(days=10)))
    assert done.returncode == 0, done.stderr
    [real] = backup.glob(STAMP_GLOB)
    history = [(now - datetime.timedelta(hours=6 * i)).strftime("%Y%m%d-%H%M%S") for i in range(1, 41)]
    for name in history:
        if not (backup / name).exists():
            shutil.copytree(real, backup / name)
    real_name = real.name
    if real_name not in history:
        shutil.rmtree(real)
    assert sorted(p.name for p in backup.glob(STAMP_GLOB)) == sorted(history)

    ahead = now + datetime.timedelta(days=60)
    done = run_script(job["script"], path, env, faketime=fake(ahead))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in backup.glob(STAMP_GLOB))
    assert set(history) <= set(names), "a clock 60 days ahead must not delete any copy"
    assert len(names) == 41 and names[-1].startswith(ahead.strftime("%Y%m%d"))

    # The clock is right again: the copy from the future makes every age wrong, so the run
    # refuses with a clear message and changes nothing.
    before = listing(backup)
    success = pushgateway.metrics("app-backup")["backup_last_success_timestamp"]
    done = run_script(job["script"], path, env, faketime=fake(now + datetime.timedelta(hours=6)))
    assert done.returncode != 0
    assert "refusing to run" in done.stderr and "stamped after the current time" in done.stderr and names[-1] in done.stderr
    assert listing(backup) == before
    assert pushgateway.metrics("app-backup")["backup_last_success_timestamp"] == success


def test_dump_clock_60_days_ahead_keeps_every_dump(private_dir, tmp_path, pushgateway):  # noqa: F811
    server = Postgres(private_dir, "source")
    try:
        server.psql("CREATE DATABASE app")
        server.psql("CREATE TABLE notes (id int); INSERT INTO notes SELECT generate_series(1, 100)", database="app")
        job = render_job({"name": "db", "namespace": "db", "schedule": "0 0 * * *", "strategy": "pg_dumpall",
                          "destination_claim": "db-backup", "host": "127.0.0.1", "user": "backup", "keep": 14,
                          "password_secret": {"name": "db", "key": "password"}})
        backup = tmp_path / "backup"
        backup.mkdir()
        path = alpine_like_path(tmp_path / "bin", [])
        os.symlink(server.bin / "pg_dumpall", pathlib.Path(path) / "pg_dumpall")
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "PGPASSWORD": PASSWORD,
               "PGPORT": str(server.port), "TZ": "UTC"}
        now = datetime.datetime(2026, 4, 6, 0, 0, 0)
        done = run_script(job["script"], path, env, faketime=fake(now - datetime.timedelta(days=1)))
        assert done.returncode == 0, done.stderr
        [made] = backup.glob("backup-*.sql.gz")
        real = made.rename(tmp_path / "real.sql.gz")
        # 11 daily dumps; the older ones carry the names of before issue 9 (no seconds).
        history = [(now - datetime.timedelta(days=i)).strftime("backup-%Y%m%d-%H%M" + ("%S" if i < 4 else "") + ".sql.gz")
                   for i in range(1, 12)]
        for name in history:
            shutil.copy2(real, backup / name)
        real.unlink()
        done = run_script(job["script"], path, env, faketime=fake(now + datetime.timedelta(days=60)))
        assert done.returncode == 0, done.stderr
        names = sorted(p.name for p in backup.glob("backup-*.sql.gz"))
        assert set(history) <= set(names) and len(names) == 12, names
    finally:
        server.stop()


def test_rsync_clock_a_week_behind_fails_clearly_and_leaves_every_snapshot(tmp_path, pushgateway):
    source = maildir(tmp_path / "mail", 5, 20)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = rsync_job(source, keep=4)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    for week in range(3):
        (source / "user00" / "cur" / f"week{week}").write_text(f"{week}\n")
        done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7 * week)))
        assert done.returncode == 0, done.stderr
    (source / "user00" / "cur" / "today").write_text("today\n")
    before = listing(backup)
    success = pushgateway.metrics("mail-backup")["backup_last_success_timestamp"]
    behind = monday + datetime.timedelta(days=7)  # the newest snapshot is a week later
    done = run_script(job["script"], path, env, faketime=fake(behind))
    assert done.returncode != 0
    assert "refusing to run" in done.stderr and week_of(behind) in done.stderr and "older than the newest snapshot" in done.stderr
    assert listing(backup) == before
    assert pushgateway.metrics("mail-backup")["backup_last_success_timestamp"] == success


# --- shrinking sources ----------------------------------------------------------------

def test_a_zero_byte_database_fails_with_a_metric(tmp_path, pushgateway):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "app.db"
    database.write_bytes(b"")
    backup = tmp_path / "backup"
    backup.mkdir()
    done = run_script(sqlite_job(data, database)["script"], alpine_like_path(tmp_path / "bin", ["sqlite3"]),
                      {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url})
    assert done.returncode != 0
    assert "is empty (0 bytes)" in done.stderr and "backstop-allow-shrink" in done.stderr
    assert list(backup.iterdir()) == []
    pushed = {k: v for k, v in pushgateway.metrics("app-backup").items() if k.startswith("backup_")}
    assert pushed == {"backup_source_shrunk": 1.0}, "a refusal is pushed; no success is"


def test_a_source_emptied_or_halved_between_runs_fails_until_allowed_once(tmp_path, pushgateway):
    source = maildir(tmp_path / "mail", 10, 10)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = rsync_job(source, keep=8)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    assert run_script(job["script"], path, env, faketime=fake(monday)).returncode == 0
    good = listing(backup)
    success = pushgateway.metrics("mail-backup")["backup_last_success_timestamp"]
    assert pushgateway.metrics("mail-backup")["backup_source_shrunk"] == 0

    for user in range(6):  # 60 of 100 files gone: more than the default 50 %
        shutil.rmtree(source / f"user{user:02}")
    done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7)))
    assert done.returncode != 0 and "40 files where the previous backup held 100" in done.stderr, done.stderr
    for entry in list(source.iterdir()):
        shutil.rmtree(entry)
    done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7)))
    assert done.returncode != 0 and "the source holds no files" in done.stderr, done.stderr
    assert listing(backup) == good
    metrics = pushgateway.metrics("mail-backup")
    assert metrics["backup_source_shrunk"] == 1 and metrics["backup_last_success_timestamp"] == success

    # Allowed once: the run publishes the empty snapshot and consumes the allowance.
    (backup / "backstop-allow-shrink").touch()
    done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7)))
    assert done.returncode == 0, done.stderr
    assert not (backup / "backstop-allow-shrink").exists()
    assert tree_digest(backup / week_of(monday + datetime.timedelta(days=7))) == {}
    # An empty source is refused again: the allowance was for one run.
    done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=14)))
    assert done.returncode != 0 and "the source holds no files" in done.stderr


def test_retention_keeps_the_last_snapshot_holding_data_after_an_allowed_empty_one(tmp_path, pushgateway):
    source = maildir(tmp_path / "mail", 2, 5)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = rsync_job(source, keep=1)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    assert run_script(job["script"], path, env, faketime=fake(monday)).returncode == 0
    good = tree_digest(backup / week_of(monday))
    for entry in list(source.iterdir()):
        shutil.rmtree(entry)
    (backup / "backstop-allow-shrink").touch()
    later = monday + datetime.timedelta(days=7)
    done = run_script(job["script"], path, env, faketime=fake(later))
    assert done.returncode == 0, done.stderr[-2000:]
    # keep = 1, yet both stay: the new (empty) snapshot and the last one holding data.
    assert sorted(p.name for p in backup.glob(WEEK_GLOB)) == [week_of(monday), week_of(later)]
    assert tree_digest(backup / week_of(monday)) == good and good


def test_a_source_emptied_for_four_weeks_fails_alerts_and_keeps_the_last_good_snapshot(tmp_path, pushgateway):
    source = maildir(tmp_path / "mail", 5, 10)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = rsync_job(source, keep=3)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    for week in range(3):
        (source / "user00" / "cur" / f"week{week}").write_text(f"{week}\n")
        assert run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7 * week))).returncode == 0
    last_good = week_of(monday + datetime.timedelta(days=14))
    last_good_digest = tree_digest(backup / last_good)
    for entry in list(source.iterdir()):
        shutil.rmtree(entry)
    exit_codes = []
    for week in range(3, 7):
        done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7 * week)))
        exit_codes.append(done.returncode)
        assert "refusing to back up" in done.stderr
    assert all(code != 0 for code in exit_codes)
    assert sorted(p.name for p in backup.glob(WEEK_GLOB)) == [week_of(monday + datetime.timedelta(days=7 * w)) for w in range(3)]
    assert tree_digest(backup / last_good) == last_good_digest and last_good_digest

    # The container exited non-zero, so each of the four Jobs ends Failed (after its
    # retries); kube-state-metrics reports that, and the rendered Failed rule fires.
    jobs = [(f"mail-backup-{29580000 + 10080 * w}", 1000 * (w + 1)) for w in range(4)]
    series = []
    for job_name, start in jobs:
        series += job_state_series("mail", job_name, "mail-backup", start, failed=True)
    done = promtool(tmp_path, "mail-backup", "mail", series, f"MailBackupFailed", [jobs[-1][0]])
    assert done.returncode == 0, done.stdout + done.stderr


# --- the alert path of a failed or timed-out Job ---------------------------------------

def job_state_series(namespace, job_name, owner, start, failed, reason="BackoffLimitExceeded"):
    """kube-state-metrics' series for a Job owned by a CronJob (2 hours of samples)."""
    values = lambda v: f"{v}x120"  # noqa: E731
    series = [
        {"series": f'kube_job_owner{{namespace="{namespace}",job_name="{job_name}",owner_kind="CronJob",owner_name="{owner}",owner_is_controller="true"}}', "values": values(1)},
        {"series": f'kube_job_status_start_time{{namespace="{namespace}",job_name="{job_name}"}}', "values": values(start)},
        {"series": f'kube_job_failed{{namespace="{namespace}",job_name="{job_name}",condition="true"}}', "values": values(int(failed))},
        {"series": f'kube_job_failed{{namespace="{namespace}",job_name="{job_name}",condition="false"}}', "values": values(int(not failed))},
    ]
    if failed:
        series.append({"series": f'kube_job_status_failed{{namespace="{namespace}",job_name="{job_name}",reason="{reason}"}}', "values": values(1)})
    return series


def promtool(tmp_path, cronjob, namespace, series, alertname, firing_jobs):
    group = render({"alerts": [{"cronjob_name": cronjob, "namespace": namespace, "schedule": "0 3 * * 1"}]})["alerts"][0]["rule_group"]
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": [group]}))
    spec = tmp_path / "test.yaml"
    spec.write_text(yaml.safe_dump({
        "rule_files": [str(rules)], "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": [{
            "alertname": alertname, "eval_time": "60m",
            "exp_alerts": [{"exp_labels": {"severity": "critical", "cronjob": cronjob, "namespace": namespace, "job_name": j},
                            "exp_annotations": {"summary": f"Backup {cronjob} in {namespace}: its most recent Job {j} failed "
                                                           "(threshold: 1 failed run, after the Job's retries)"}}
                           for j in firing_jobs],
        }]}],
    }))
    return subprocess.run([require_tool("promtool"), "test", "rules", str(spec)], capture_output=True, text=True)


def test_every_job_has_a_deadline_derived_from_its_schedule_and_hitting_it_fires_failed(tmp_path):
    def deadline(**extra):
        job = render_job({"name": "app", "namespace": "apps", "strategy": "rsync", "source_claim": "app-data",
                          "destination_claim": "app-backup", "mounts": {"data": {"path": "/data"}}, **extra})
        return job["cronjob"]["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"]

    assert deadline(schedule="0 3 * * *") == 12 * 3600  # half a day, the cap
    assert deadline(schedule="0 */6 * * *") == 3 * 3600  # half the 6 h gap
    assert deadline(schedule="*/5 * * * *") == 600  # the floor: Forbid skips what it overlaps
    assert deadline(schedule="0 3 * * 0") == 12 * 3600
    assert deadline(schedule="0 3 * * *", active_deadline_seconds=5400) == 5400
    # A Job killed at its deadline ends Failed with reason DeadlineExceeded: the Failed rule fires.
    series = job_state_series("apps", "app-backup-29580000", "app-backup", 1000, failed=True, reason="DeadlineExceeded")
    done = promtool(tmp_path, "app-backup", "apps", series, "AppBackupFailed", ["app-backup-29580000"])
    assert done.returncode == 0, done.stdout + done.stderr


# --- SIGKILLs -------------------------------------------------------------------------

def killer_rm(directory: pathlib.Path, busybox: str) -> None:
    """An `rm` that, asked to delete a snapshot renamed for deletion, deletes part of it
    and then SIGKILLs the script (no trap runs): a kill in the middle of retention."""
    directory.mkdir()
    (directory / "rm").write_text(
        f"#!{busybox} sh\n"
        'for last; do :; done\n'
        'case "$last" in\n'
        '  .deleting-*) '
        f'{busybox} find "$last" -type f | {busybox} head -n 37 | {busybox} xargs {busybox} rm -f; kill -9 $PPID; exit 1 ;;\n'
        'esac\n'
        f'exec {busybox} rm "$@"\n'
    )
    (directory / "rm").chmod(0o755)


def test_twenty_sigkills_including_retention_never_leave_an_incomplete_snapshot(tmp_path, pushgateway):
    rng = random.Random(9009)
    source = maildir(tmp_path / "mail", 10, 60)
    backup = tmp_path / "backup"
    backup.mkdir()
    keep = 2
    job = rsync_job(source, keep=keep)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    killer_rm(tmp_path / "killer", require_tool("busybox"))
    killing_path = f"{tmp_path / 'killer'}:{path}"
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 1, 5, 3, 0, 0)
    written = {}
    started = time.monotonic()
    assert run_script(job["script"], path, env, faketime=fake(monday)).returncode == 0
    duration = time.monotonic() - started
    written[week_of(monday)] = tree_digest(source)
    phases = {"retention (targeted)": 0, "random point": 0}
    for kill in range(20):
        moment = monday + datetime.timedelta(days=7 * (kill + 1))
        (source / f"user{kill % 10:02}" / "cur" / f"kill-{kill}").write_text(f"{kill}\n")
        (source / f"user{(kill + 3) % 10:02}" / "cur" / f"{kill:04}:2,S").unlink()
        digest = tree_digest(source)
        if kill % 2:
            process = start_script(job["script"], killing_path, env, faketime=fake(moment))
            process.communicate(timeout=300)
            assert process.returncode != 0  # faketime reports its killed child as 1
            [deleting] = backup.glob(".deleting-*")  # killed mid-delete, out of the snapshot name
            assert next(deleting.rglob("*"), None) is not None, "part of it must be left for the kill to mean anything"
            phases["retention (targeted)"] += 1
        else:
            process = start_script(job["script"], path, env, faketime=fake(moment))
            time.sleep(rng.uniform(0, duration * 1.1))
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.communicate(timeout=300)
            phases["random point"] += 1
        if (backup / week_of(moment)).is_dir():
            written[week_of(moment)] = digest  # published before the kill
        # After the kill: every folder carrying a snapshot name is complete.
        for snapshot in backup.glob(WEEK_GLOB):
            assert tree_digest(snapshot / "data") == written[snapshot.name], (kill, snapshot.name)
        # The next run restores the expected set.
        done = run_script(job["script"], path, env, faketime=fake(moment))
        assert done.returncode == 0, done.stderr
        written[week_of(moment)] = digest
        snapshots = sorted(p.name for p in backup.glob(WEEK_GLOB))
        assert snapshots == sorted(written)[-keep:], (kill, snapshots)
        for snapshot in snapshots:
            assert tree_digest(backup / snapshot / "data") == written[snapshot], (kill, snapshot)
        assert not [p.name for p in backup.iterdir() if p.name.startswith(".")], (kill, list(backup.iterdir()))
    print(f"kills: {phases}; one run took {duration:.2f}s")


# --- SQLite under a busy writer -------------------------------------------------------

class Writer(threading.Thread):
    """Commits one row every 5 ms; `committed` is the highest id known to be committed."""

    def __init__(self, database: pathlib.Path):
        super().__init__(daemon=True)
        self.database = database
        self.committed = 0
        self.commits = 0
        self.stop = threading.Event()

    def run(self):
        db = sqlite3.connect(self.database, timeout=30)
        db.execute("PRAGMA synchronous=OFF")  # no fsync per commit: the 5 ms pace is the writer's
        self.started = time.monotonic()
        while not self.stop.is_set():
            began = time.monotonic()
            cursor = db.execute("INSERT INTO items (body) VALUES (?)", ("w" * 200,))
            db.commit()
            self.committed = cursor.lastrowid
            self.commits += 1
            time.sleep(max(0.0, 0.005 - (time.monotonic() - began)))
        self.elapsed = time.monotonic() - self.started
        db.close()


def test_sqlite_under_a_writer_committing_every_5_ms(tmp_path, pushgateway):
    results = {}
    for journal in ("wal", "delete"):
        data = tmp_path / journal / "data"
        data.mkdir(parents=True)
        database = data / "app.db"
        make_database(database, 80_000)  # about 20 MB
        if journal == "delete":
            db = sqlite3.connect(database)
            db.execute("PRAGMA journal_mode=delete")
            db.close()
        backup = tmp_path / journal / "backup"
        backup.mkdir()
        job = sqlite_job(data, database)
        path = alpine_like_path(tmp_path / journal / "bin", ["sqlite3"])
        writer = Writer(database)
        writer.start()
        time.sleep(0.3)
        committed_at_start = writer.committed
        started = time.monotonic()
        done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url}, timeout=180)
        took = time.monotonic() - started
        writer.stop.set()
        writer.join()
        pace_ms = 1000 * writer.elapsed / writer.commits
        assert done.returncode == 0, done.stderr[-3000:]
        [copy] = backup.glob(STAMP_GLOB)
        check, count, top = integrity_and_rows(copy / "db.sqlite3")
        assert check == "ok"
        assert top >= committed_at_start and count == top, (journal, committed_at_start, count, top)
        assert not [line for line in done.stderr.splitlines() if line.startswith("+ SOURCE_URI=") and "immutable" in line]
        assert pace_ms < 10, f"the writer must commit about every 5 ms (it took {pace_ms:.1f} ms)"
        results[journal] = (took, database.stat().st_size, pace_ms)
    print("busy writer: " + ", ".join(f"{j}: {t:.2f}s on {s / 1e6:.0f} MB, a commit every {c:.1f} ms"
                                      for j, (t, s, c) in results.items()))


# --- a maildir whose files move -------------------------------------------------------

def test_rsync_over_a_maildir_being_moved_succeeds_and_counts_the_vanished(tmp_path, pushgateway):
    rng = random.Random(9006)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    vanished_runs = 0
    for attempt in range(5):
        source = tmp_path / f"mail{attempt}"
        static = maildir(source / "static", 4, 50)  # never touched: must all be there
        new, cur = source / "box" / "new", source / "box" / "cur"
        new.mkdir(parents=True)
        cur.mkdir()
        for f in range(3000):
            (new / f"{f:05}.host").write_text(f"message {f}\n")
        backup = tmp_path / f"backup{attempt}"
        backup.mkdir()
        job = rsync_job(source, keep=2)
        stop = threading.Event()

        def deliver():  # the mail server moving new/ to cur/ while the copy runs
            names = sorted(p.name for p in new.iterdir())
            rng.shuffle(names)
            for name in names:
                if stop.is_set():
                    return
                os.rename(new / name, cur / f"{name}:2,S")
                time.sleep(0.0002)

        mover = threading.Thread(target=deliver)
        process = start_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"})
        time.sleep(0.05)
        mover.start()
        out, err = process.communicate(timeout=120)
        stop.set()
        mover.join()
        assert process.returncode == 0, err[-3000:]
        [snapshot] = backup.glob(WEEK_GLOB)
        assert tree_digest(snapshot / "data" / "static") == tree_digest(static)
        for copied in (snapshot / "data" / "box").rglob("*"):
            if copied.is_file():
                assert copied.read_text() == f"message {int(copied.name[:5])}\n"
        reported = sum(line.startswith("file has vanished: ") for line in err.splitlines())  # rsync's own lines
        metrics = pushgateway.metrics("mail-backup")
        assert metrics["backup_vanished_files"] == reported
        if reported:
            assert "rsync exit 24" in err
            vanished_runs += 1
            copied = sum(1 for p in (snapshot / "data" / "box").rglob("*") if p.is_file())
            print(f"maildir: attempt {attempt + 1}: {reported} files vanished, {copied} of 3000 moving files copied, exit 0")
            break
    assert vanished_runs, "no run saw a file vanish: the mover must race rsync for this test to mean anything"


@pytest.fixture
def small_destination(tmp_path):
    """A 2 MB filesystem as the destination (a full NFS export); needs root to mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mountpoint = tmp_path / "backup"
    mountpoint.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mountpoint)], check=True)
    yield mountpoint
    subprocess.run(["umount", str(mountpoint)], check=True)


def random_files(root: pathlib.Path, rng: random.Random, count: int, size: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for f in range(count):
        (root / f"{f:03}.bin").write_bytes(rng.randbytes(size))


@pytest.mark.parametrize("make_room", [True, False])
def test_a_full_destination_makes_room_or_fails_and_never_loses_the_newest(small_destination, tmp_path, pushgateway, make_room):
    """Three weekly snapshots of 500 KB of fresh data fill 2 MB; the fourth does not fit.
    With make_room the oldest goes and the copy is redone; without, rsync's ENOSPC
    (exit 11: an error other than 24) fails the run and changes nothing."""
    rng = random.Random(9011)
    source = tmp_path / "data"
    backup = small_destination
    job = rsync_job(source, keep=3, make_room=make_room)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    for week in range(3):
        shutil.rmtree(source, ignore_errors=True)
        random_files(source, rng, 10, 50_000)
        done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7 * week)))
        assert done.returncode == 0, done.stderr[-2000:]
    shutil.rmtree(source)
    random_files(source, rng, 10, 50_000)
    weeks = [week_of(monday + datetime.timedelta(days=7 * w)) for w in range(4)]
    before = {w: tree_digest(backup / w) for w in weeks[:3]}
    done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=21)))
    names = sorted(p.name for p in backup.glob(WEEK_GLOB))
    if make_room:
        assert done.returncode == 0, done.stderr[-3000:]
        assert "to make room" in done.stderr
        assert names[-1] == weeks[3] and tree_digest(backup / weeks[3] / "data") == tree_digest(source)
        assert weeks[2] in names, "the newest complete snapshot is never deleted to make room"
        for w in names[:-1]:
            assert tree_digest(backup / w) == before[w]
    else:
        assert done.returncode != 0
        assert "failed with exit 11" in done.stderr and "No space left on device" in done.stderr
        assert names == weeks[:3] and all(tree_digest(backup / w) == before[w] for w in weeks[:3])
    assert not [p.name for p in backup.iterdir() if p.name.startswith(".")]


# --- sparse files and extended attributes ---------------------------------------------

def test_sparse_files_stay_sparse_and_extended_attributes_are_kept(tmp_path, pushgateway):
    source = tmp_path / "data"
    source.mkdir()
    sparse = source / "disk.img"
    with open(sparse, "wb") as f:
        f.truncate(64 * 1024 * 1024)
        f.seek(1024 * 1024)
        f.write(b"data in the middle")
    assert sparse.stat().st_blocks * 512 < 1024 * 1024, "the source file must be sparse for this test to mean anything"
    tagged = source / "tagged"
    tagged.write_text("x\n")
    os.setxattr(tagged, "user.backstop", b"kept")
    backup = tmp_path / "backup"
    backup.mkdir()
    job = rsync_job(source, keep=2)
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    monday = datetime.datetime(2026, 4, 6, 3, 0, 0)
    for week in range(2):
        done = run_script(job["script"], path, env, faketime=fake(monday + datetime.timedelta(days=7 * week)))
        assert done.returncode == 0, done.stderr[-2000:]
    for week in range(2):
        copy = backup / week_of(monday + datetime.timedelta(days=7 * week)) / "data"
        assert (copy / "disk.img").stat().st_size == 64 * 1024 * 1024
        assert (copy / "disk.img").stat().st_blocks * 512 < 1024 * 1024, "the copy must stay sparse"
        assert os.getxattr(copy / "tagged", "user.backstop") == b"kept"
    # The output figure is rsync's apparent size of the files, as du -b would say.
    assert pushgateway.metrics("mail-backup")["backup_output_bytes"] == 64 * 1024 * 1024 + 2


@pytest.mark.parametrize("make_room", [True, False])
def test_a_full_destination_makes_room_for_a_sqlite_copy_or_fails(small_destination, tmp_path, pushgateway, make_room):
    """Copies of a 600 KB database of random bytes: three fit in 2 MB, the fourth does not
    ("database or disk is full"). Ages count from the newest copy, which a failing run
    never changes, so without make_room no later run would ever prune."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "app.db"
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)")
    db.executemany("INSERT INTO items (body) VALUES (?)", [(random.Random(i).randbytes(5000),) for i in range(120)])
    db.commit()
    db.close()
    backup = small_destination
    job = render_job({"name": "app", "namespace": "app", "schedule": "0 */6 * * *", "strategy": "sqlite",
                      "source_claim": "app-data", "destination_claim": "app-backup", "keep": 30, "make_room": make_room,
                      "mounts": {"data": {"path": str(data)}}, "database": str(database)})
    path = alpine_like_path(tmp_path / "bin", ["sqlite3"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    start = datetime.datetime(2026, 4, 6, 0, 0, 0)
    for run in range(3):
        done = run_script(job["script"], path, env, faketime=fake(start + datetime.timedelta(hours=6 * run)))
        assert done.returncode == 0, done.stderr[-2000:]
    before = sorted(p.name for p in backup.glob(STAMP_GLOB))
    assert len(before) == 3
    done = run_script(job["script"], path, env, faketime=fake(start + datetime.timedelta(hours=18)))
    names = sorted(p.name for p in backup.glob(STAMP_GLOB))
    if make_room:
        assert done.returncode == 0, done.stderr[-3000:]
        assert "to make room" in done.stderr
        assert names[:-1] == before[1:] and names[-1].startswith("20260406-18"), names
        check, count, _ = integrity_and_rows(backup / names[-1] / "db.sqlite3")
        assert (check, count) == ("ok", 120)
    else:
        assert done.returncode != 0 and "database or disk is full" in done.stderr
        assert names == before
    assert not [p.name for p in backup.iterdir() if p.name.startswith(".")]
