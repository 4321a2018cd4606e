"""Overlapping runs on one destination (issue 9): a `kubectl create job --from=cronjob/...`
during the scheduled run, or a retry while a pod on a lost node still runs. 20 pairs per
strategy at seeded random offsets, in the same ISO week and the next one, with the real
rsync, sqlite3 and pg_dumpall under busybox: no incomplete copy under a snapshot name, no
success for a run that did not publish a complete copy, the previous copies untouched."""
import datetime
import gzip
import hashlib
import os
import pathlib
import random
import sqlite3
import subprocess
import time

import pytest

from backstop_render_support import alpine_like_path, render_job, require_tool, run_script, start_script
from test_dumps import PASSWORD, Postgres, private_dir  # noqa: F401 (private_dir is a fixture)

PAIRS = 20
BASE = datetime.datetime(2026, 4, 6, 3, 0, 0)
# The reasons a run of a pair may fail; anything else is a defect.
CLEAR_FAILURES = ("still holds", "refusing to run", "refusing to back up")
FAILURE_LINES: list[str] = []  # the message of every run of a pair that failed, printed per test
# Runs refused because the other run of their pair, whose clock is later, published first:
# the earlier clock then sees a newer copy and must refuse (which run takes the lock first
# is up to the scheduler when the offset is small). Counted, not failed.
CLOCK_REFUSALS: list[str] = []


def fake(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def run_pair(script, path, env, first: datetime.datetime, second: datetime.datetime, offset: float):
    """Starts a run at `first`, the other `offset` seconds later at `second`; both results."""
    a = start_script(script, path, env, faketime=fake(first))
    time.sleep(offset)
    b = start_script(script, path, env, faketime=fake(second))
    results = []
    for process in (a, b):
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, err))
    for (code, err), moment, (other_code, _), other_moment in zip(
            results, (first, second), reversed(results), (second, first)):
        assert code == 0 or any(reason in err for reason in CLEAR_FAILURES), err[-3000:]
        if code != 0:
            line = next(line for line in err.splitlines()
                        if any(r in line for r in CLEAR_FAILURES) and not line.startswith("+"))
            FAILURE_LINES.append(line)
            if "refusing to run" in line and other_code == 0 and other_moment > moment:
                CLOCK_REFUSALS.append(line)
    return results


def all_published(successes: int) -> bool:
    """Every run of every pair published, but for the clock refusals run_pair counted."""
    refused = len(CLOCK_REFUSALS)
    CLOCK_REFUSALS.clear()
    return successes + refused == 2 * PAIRS


def no_leftovers(backup: pathlib.Path):
    left = [p.name for p in backup.iterdir() if p.name.startswith((".partial", ".deleting", ".old", ".backstop.lock"))]
    assert left == [], left


def pair_times(rng: random.Random, base: datetime.datetime):
    """Same week or next week, as the seeded coin says; and the next pair's base."""
    second = base if rng.random() < 0.5 else base + datetime.timedelta(days=7)
    return base, second, max(base, second) + datetime.timedelta(hours=1)


def success_timestamp(pushgateway, job) -> float:
    return pushgateway.metrics(job).get("backup_last_success_timestamp", 0.0)


# --- rsync ----------------------------------------------------------------------------

def tree_digest(root: pathlib.Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and not p.name.startswith(".backstop-")}


def identity(root: pathlib.Path) -> list[tuple]:
    """What a completed snapshot is made of: names, inodes, sizes (untouched means equal)."""
    return sorted((str(p.relative_to(root)), p.lstat().st_ino, p.lstat().st_size) for p in root.rglob("*"))


def week_of(moment: datetime.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-{week:02}"


def test_overlapping_rsync_pairs(tmp_path, pushgateway):
    rng = random.Random(9001)
    source = tmp_path / "mail"
    for d in range(20):
        (source / f"user{d:02}" / "cur").mkdir(parents=True)
        for f in range(30):
            (source / f"user{d:02}" / "cur" / f"{f:03}:2,S").write_text(f"mail {d}/{f}\n" * 20)
    backup = tmp_path / "backup"
    backup.mkdir()
    keep = 3
    job = render_job({"name": "mail", "namespace": "mail", "schedule": "0 3 * * *", "strategy": "rsync",
                      "source_claim": "mail-data", "destination_claim": "mail-backup", "keep": keep,
                      "mounts": {"data": {"path": str(source)}}})
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    started = time.monotonic()
    assert run_script(job["script"], path, env, faketime=fake(BASE)).returncode == 0
    duration = time.monotonic() - started
    base = BASE + datetime.timedelta(hours=1)
    written = {week_of(BASE): tree_digest(source)}  # week -> digest of the source it copied
    successes = failures = 0
    for pair in range(PAIRS):
        # The source changes between pairs, never during one.
        (source / f"user{pair % 20:02}" / "cur" / f"new-{pair}:2,").write_text(f"pair {pair}\n")
        (source / f"user{(pair + 7) % 20:02}" / "cur" / f"{pair % 30:03}:2,S").unlink()
        current = tree_digest(source)
        before = {p.name: identity(p) for p in backup.glob("[0-9]" * 4 + "-" + "[0-9]" * 2)}
        success_before = success_timestamp(pushgateway, "mail-backup")
        first, second, base = pair_times(rng, base)
        results = run_pair(job["script"], path, env, first, second, rng.uniform(0, duration * 1.2))
        ok = [moment for (code, _), moment in zip(results, (first, second)) if code == 0]
        successes += len(ok)
        failures += 2 - len(ok)
        for moment in ok:
            written[week_of(moment)] = current
        snapshots = sorted(p.name for p in backup.glob("[0-9]" * 4 + "-" + "[0-9]" * 2))
        # Every folder with a snapshot name holds exactly the source some run copied.
        for name in snapshots:
            assert tree_digest(backup / name / "data") == written[name], (pair, name)
        # A week no run of this pair succeeded for is untouched (or pruned by retention).
        for name, before_identity in before.items():
            if name not in {week_of(m) for m in ok} and name in snapshots:
                assert identity(backup / name) == before_identity, (pair, name)
        assert snapshots == sorted(written)[-keep:], (pair, snapshots)
        no_leftovers(backup)
        after = success_timestamp(pushgateway, "mail-backup")
        assert (after > success_before) == bool(ok), (pair, results)
    print(f"rsync pairs: {successes} runs succeeded, {failures} failed clearly; one run took {duration:.2f}s; failures: {FAILURE_LINES}")
    FAILURE_LINES.clear()
    assert all_published(successes), "the second run of a pair waits for the first instead of failing"


# --- sqlite ---------------------------------------------------------------------------

STAMP_GLOB = "[0-9]" * 8 + "-" + "[0-9]" * 6


def rows_and_check(copy: pathlib.Path) -> tuple[int, str]:
    db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM items").fetchone()[0], db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def test_overlapping_sqlite_pairs(tmp_path, pushgateway):
    rng = random.Random(9002)
    data = tmp_path / "data"
    (data / "attachments" / "a").mkdir(parents=True)  # a folder listed first in extra_paths
    (data / "attachments" / "a" / "file.bin").write_bytes(os.urandom(4096))
    database = data / "app.db"
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO items (body) VALUES (?)", [("x" * 200,) for _ in range(20000)])
    db.commit()
    backup = tmp_path / "backup"
    backup.mkdir()
    job = render_job({"name": "app", "namespace": "app", "schedule": "0 */6 * * *", "strategy": "sqlite",
                      "source_claim": "app-data", "destination_claim": "app-backup", "keep": 30,
                      "mounts": {"data": {"path": str(data)}}, "database": str(database),
                      "extra_paths": [str(data / "attachments")]})
    path = alpine_like_path(tmp_path / "bin", ["sqlite3"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    started = time.monotonic()
    done = run_script(job["script"], path, env, faketime=fake(BASE))
    assert done.returncode == 0, done.stderr
    duration = time.monotonic() - started
    base = BASE + datetime.timedelta(hours=1)
    rows_at = {}  # copy name -> rows it must hold
    [first_copy] = backup.glob(STAMP_GLOB)
    rows_at[first_copy.name] = 20000
    successes = 0
    for pair in range(PAIRS):
        db.execute("INSERT INTO items (body) VALUES (?)", (f"pair {pair}",))
        db.commit()
        rows = db.execute("SELECT count(*) FROM items").fetchone()[0]
        before = {p.name: identity(p) for p in backup.glob(STAMP_GLOB)}
        success_before = success_timestamp(pushgateway, "app-backup")
        first, second, base = pair_times(rng, base)
        results = run_pair(job["script"], path, env, first, second, rng.uniform(0, duration * 1.2))
        new = sorted(set(p.name for p in backup.glob(STAMP_GLOB)) - set(before))
        assert len(new) == sum(code == 0 for code, _ in results), (pair, new, results)
        for name in new:
            rows_at[name] = rows
        for copy in backup.glob(STAMP_GLOB):
            assert (copy / "db.sqlite3").is_file() and not (copy / STAMP_GLOB).exists(), (pair, copy.name)
            assert not list(copy.glob(STAMP_GLOB)), f"a copy nested inside {copy.name}"
            assert rows_and_check(copy / "db.sqlite3") == (rows_at[copy.name], "ok"), (pair, copy.name)
            assert (copy / "attachments/a/file.bin").is_file()
            if copy.name in before:
                assert identity(copy) == before[copy.name], (pair, copy.name)
        no_leftovers(backup)
        assert (success_timestamp(pushgateway, "app-backup") > success_before) == bool(new), (pair, results)
        successes += len(new)
    db.close()
    print(f"sqlite pairs: {successes} of {2 * PAIRS} runs published; one run took {duration:.2f}s; failures: {FAILURE_LINES}")
    FAILURE_LINES.clear()
    assert all_published(successes)


# --- pg_dumpall -----------------------------------------------------------------------

def dump_is_complete(dump: pathlib.Path, rows: int) -> bool:
    text = gzip.decompress(dump.read_bytes()).decode()
    return text.rstrip().endswith("PostgreSQL database cluster dump complete\n--") and f"row {rows}\n" in text


def test_overlapping_dump_pairs(private_dir, tmp_path, pushgateway):  # noqa: F811
    rng = random.Random(9003)
    server = Postgres(private_dir, "source")
    try:
        server.psql("CREATE DATABASE app")
        server.psql("CREATE TABLE notes (id serial primary key, body text); "
                    "INSERT INTO notes (body) SELECT 'row ' || g FROM generate_series(1, 2000) g", database="app")
        job = render_job({"name": "db", "namespace": "db", "schedule": "0 0 * * *", "strategy": "pg_dumpall",
                          "destination_claim": "db-backup", "host": "127.0.0.1", "user": "backup", "keep": 14,
                          "password_secret": {"name": "db", "key": "password"}})
        backup = tmp_path / "backup"
        backup.mkdir()
        path = alpine_like_path(tmp_path / "bin", [])
        os.symlink(server.bin / "pg_dumpall", pathlib.Path(path) / "pg_dumpall")
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "PGPASSWORD": PASSWORD,
               "PGPORT": str(server.port), "TZ": "UTC"}
        started = time.monotonic()
        done = run_script(job["script"], path, env, faketime=fake(BASE))
        assert done.returncode == 0, done.stderr
        duration = time.monotonic() - started
        base = BASE + datetime.timedelta(minutes=1)
        rows_at = {p.name: 2000 for p in backup.glob("backup-*.sql.gz")}
        rows = 2000
        successes = 0
        for pair in range(PAIRS):
            rows += 1
            server.psql(f"INSERT INTO notes (body) VALUES ('row {rows}')", database="app")
            before = {p.name: (p.stat().st_ino, p.stat().st_size) for p in backup.glob("backup-*.sql.gz")}
            success_before = success_timestamp(pushgateway, "db-backup")
            # Dumps are named by the second: the same minute is the old clash.
            first = base
            second = base if rng.random() < 0.5 else base + datetime.timedelta(days=7)
            base = max(first, second) + datetime.timedelta(minutes=1)
            results = run_pair(job["script"], path, env, first, second, rng.uniform(0, duration * 1.2))
            new = sorted(set(p.name for p in backup.glob("backup-*.sql.gz")) - set(before))
            assert len(new) == sum(code == 0 for code, _ in results), (pair, new, results)
            for name in new:
                rows_at[name] = rows
            for dump in backup.glob("backup-*.sql.gz"):
                assert dump_is_complete(dump, rows_at[dump.name]), (pair, dump.name)
                if dump.name in before:
                    assert (dump.stat().st_ino, dump.stat().st_size) == before[dump.name], (pair, dump.name)
            no_leftovers(backup)
            assert (success_timestamp(pushgateway, "db-backup") > success_before) == bool(new), (pair, results)
            successes += len(new)
        print(f"dump pairs: {successes} of {2 * PAIRS} runs published; one run took {duration:.2f}s; failures: {FAILURE_LINES}")
        FAILURE_LINES.clear()
        assert all_published(successes)
    finally:
        server.stop()


# --- the lock itself ------------------------------------------------------------------

COPY_COMMAND = 'cp -a "$SOURCE/." "$SNAPSHOT/"'


def command_job(tmp_path, **extra):
    data = tmp_path / "data"
    data.mkdir()
    (data / "file").write_text("content\n")
    backup = tmp_path / "backup"
    backup.mkdir()
    job = render_job({"name": "app", "namespace": "apps", "schedule": "@daily", "strategy": "command",
                      "source_claim": "app-data", "destination_claim": "app-backup",
                      "mounts": {"data": {"path": str(data)}}, "command": COPY_COMMAND, **extra})
    return data, backup, job, alpine_like_path(tmp_path / "bin", [])


def test_a_live_holder_makes_the_second_run_fail_clearly_and_change_nothing(tmp_path, pushgateway):
    data, backup, job, path = command_job(tmp_path, active_deadline_seconds=60)  # waits 60/4 = 15 s
    holder = subprocess.Popen(["sleep", "60"])
    try:
        lock = backup / ".backstop.lock"
        lock.write_text(f"{os.uname().nodename} {holder.pid} {int(time.time())}\n")
        (backup / ".partial-20260101-000000-otherpod-1-1").mkdir()  # the live run's work
        started = time.monotonic()
        done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "SOURCE": str(data),
                                                       "BACKUP_COMMAND": COPY_COMMAND})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75, done.stderr
    assert "still holds" in done.stderr and str(holder.pid) in done.stderr
    assert 15 <= waited < 40
    assert lock.read_text().split()[1] == str(holder.pid), "the live holder's lock stays"
    assert (backup / ".partial-20260101-000000-otherpod-1-1").is_dir(), "the live run's partial stays"
    assert not list(backup.glob(STAMP_GLOB))
    assert pushgateway.metrics("app-backup") == {}


@pytest.mark.parametrize("holder", ["same-pod-dead-pid", "other-pod-past-deadline"])
def test_a_dead_holders_lock_and_leftovers_are_cleared(tmp_path, pushgateway, holder):
    data, backup, job, path = command_job(tmp_path, active_deadline_seconds=600)
    if holder == "same-pod-dead-pid":
        dead = subprocess.Popen(["true"])
        dead.wait()
        content = f"{os.uname().nodename} {dead.pid} {int(time.time())}"
    else:  # a pod on another node, locked longer ago than the deadline (+60 s) allows
        content = f"app-backup-29410-abcde 1 {int(time.time()) - 700}"
    (backup / ".backstop.lock").write_text(content + "\n")
    if holder != "same-pod-dead-pid":  # the destination's clock says when it was locked
        os.utime(backup / ".backstop.lock", (time.time() - 700, time.time() - 700))
    (backup / ".partial-20260101-000000-dead").mkdir()
    (backup / ".deleting-20251201-000000-dead").mkdir()
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "SOURCE": str(data),
                                                       "BACKUP_COMMAND": COPY_COMMAND})
    assert done.returncode == 0, done.stderr
    assert "breaking the lock of a dead run" in done.stderr
    [snapshot] = backup.glob(STAMP_GLOB)
    assert (snapshot / "file").read_text() == "content\n"
    assert sorted(p.name for p in backup.iterdir()) == [snapshot.name]
