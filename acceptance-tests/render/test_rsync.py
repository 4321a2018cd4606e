"""The rendered rsync script, run as the CronJob runs it: `busybox sh` with a PATH of busybox
applets plus the real rsync, three simulated ISO weeks under faketime, >= 10,000 files."""
import os
import pathlib
import subprocess

import pytest

from backstop_render_support import alpine_like_path, render_job, require_tool, run_script

WEEKS = {  # fake wall-clock time of each run -> ISO week folder it must produce
    1: ("2026-04-06 03:00:00", "2026-15"),
    2: ("2026-04-13 03:00:00", "2026-16"),
    3: ("2026-04-20 03:00:00", "2026-17"),
}
MAIL_DIRS, FILES_PER_DIR = 100, 100  # 10,000 maildir files
KEEP = 2
NOT_SNAPSHOTS = ["lost+found", "manual-copy", "2026-W1", "2026-1"]  # retention must not touch these


def epoch(fake: str) -> int:
    import datetime

    return int(datetime.datetime.fromisoformat(fake).replace(tzinfo=datetime.timezone.utc).timestamp())


def files_under(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """The copied files (each snapshot also holds .backstop-stats and .backstop-manifest)."""
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".backstop-")}


@pytest.fixture
def mailserver(tmp_path):
    """The mailserver layout: /var/mail and /var/log/mail share the basename `mail`."""
    root = tmp_path / "pod"
    sources = {"data": root / "var/mail", "state": root / "var/mail-state", "log": root / "var/log/mail"}
    for d in range(MAIL_DIRS):
        folder = sources["data"] / f"user{d:03}" / "cur"
        folder.mkdir(parents=True)
        for f in range(FILES_PER_DIR):
            (folder / f"{f:04}.mail:2,S").write_text(f"From: a{d}@example.org\nSubject: {f}\n\nbody {d}/{f}\n")
    sources["state"].mkdir(parents=True)
    (sources["state"] / "dovecot.index").write_text("state\n")
    sources["log"].mkdir(parents=True)
    for name in ("mail.log", "mail.err"):
        (sources["log"] / name).write_text(f"{name} log line\n")
    backup = tmp_path / "backup"
    backup.mkdir()
    for name in NOT_SNAPSHOTS:
        (backup / name).mkdir()
        (backup / name / "keep-me").write_text("not a snapshot\n")
    (backup / "README").write_text("not a snapshot either\n")
    job = render_job({
        "name": "mailserver", "namespace": "mail", "schedule": "0 3 * * *", "strategy": "rsync",
        "source_claim": "mailserver-data", "destination_claim": "mailserver-backup-host", "keep": KEEP,
        "mounts": {folder: {"path": str(path), "sub_path": folder} for folder, path in sources.items()},
        "colocate_with": {"app": "mailserver"},
    })
    return sources, backup, job


def run_week(job, backup, path, pushgateway, week, tmp_path):
    fake, _ = WEEKS[week]
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    return run_script(job["script"], path, env, faketime=fake)


def test_weekly_snapshots_with_busybox_rsync_and_faketime(mailserver, pushgateway, tmp_path):
    sources, backup, job = mailserver
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    assert job["cronjob_name"] == "mailserver-backup"

    # Week 1: a full copy, each source in its own declared folder.
    done = run_week(job, backup, path, pushgateway, 1, tmp_path)
    assert done.returncode == 0, done.stderr
    week1 = backup / WEEKS[1][1]
    for folder, source in sources.items():
        assert files_under(week1 / folder).keys() == files_under(source).keys(), folder
    assert (week1 / "data/user000/cur/0000.mail:2,S").read_text().startswith("From: a0@")
    assert (week1 / "log/mail.log").exists() and not (week1 / "data/mail.log").exists()
    assert len(files_under(week1 / "data")) == MAIL_DIRS * FILES_PER_DIR

    metrics = pushgateway.metrics("mailserver-backup")
    expected = {"backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
                "backup_output_bytes", "backup_last_success_timestamp"}
    assert expected <= metrics.keys(), metrics
    source_bytes = sum(p.stat().st_size for s in sources.values() for p in files_under(s).values())
    assert source_bytes <= metrics["backup_output_bytes"] <= source_bytes + 4096 * (MAIL_DIRS * 2 + 10)
    assert 0 <= metrics["backup_duration_seconds"] < 300
    assert metrics["backup_read_bytes"] >= 0  # page-cache hits are not storage reads
    # The kernel adds reaped children's I/O to the shell's /proc/$$/io, so rsync's writes
    # count; tmpfs has no storage layer to count them in.
    if subprocess.run(["stat", "-f", "-c", "%T", str(backup)], capture_output=True, text=True).stdout.strip() != "tmpfs":
        assert metrics["backup_written_bytes"] >= source_bytes
    assert epoch(WEEKS[1][0]) <= metrics["backup_last_success_timestamp"] < epoch(WEEKS[1][0]) + 300

    # Between weeks: delete, change and add mail.
    data = sources["data"]
    deleted = [data / f"user001/cur/{f:04}.mail:2,S" for f in range(50)]
    for p in deleted:
        p.unlink()
    changed = data / "user002/cur/0000.mail:2,S"
    changed.write_text("rewritten\n")
    (data / "user002/cur/new.mail:2,").write_text("new mail\n")

    # Week 2: unchanged files are hard links into week 1; deletions only affect week 2.
    done = run_week(job, backup, path, pushgateway, 2, tmp_path)
    assert done.returncode == 0, done.stderr
    week2 = backup / WEEKS[2][1]
    w1, w2 = files_under(week1), files_under(week2)
    shared = [rel for rel in w2 if rel in w1 and os.stat(w2[rel]).st_ino == os.stat(w1[rel]).st_ino]
    assert len(shared) == len(w2) - 2, "every unchanged file must be a hard link into week 1"
    for p in deleted:
        rel = str(pathlib.Path("data") / p.relative_to(data))
        assert rel in w1 and rel not in w2
    assert (week2 / "data/user002/cur/0000.mail:2,S").read_text() == "rewritten\n"
    assert (week1 / "data/user002/cur/0000.mail:2,S").read_text().startswith("From:")
    week2_success = pushgateway.metrics("mailserver-backup")["backup_last_success_timestamp"]
    assert week2_success >= epoch(WEEKS[2][0])

    # Week 3, killed midway: rsync is wrapped so the shell is SIGKILLed after the first
    # source is copied (no trap runs, exactly like an OOM kill or a node loss).
    killer = tmp_path / "killer-bin"
    killer.mkdir()
    calls = tmp_path / "rsync-calls"
    (killer / "rsync").write_text(
        f"#!{require_tool('busybox')} sh\n"
        f"{require_tool('rsync')} \"$@\"\n"
        f"echo x >> {calls}\n"
        "kill -9 $PPID\n"
    )
    (killer / "rsync").chmod(0o755)
    killed_path = f"{killer}:{path}"
    done = run_script(job["script"], killed_path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}, faketime=WEEKS[3][0])
    assert done.returncode != 0
    [partial] = backup.glob(f".partial-{WEEKS[3][1]}-*")  # each run's partial carries its pod, pid and start
    assert (partial / "data").is_dir(), "the kill must leave a half-written snapshot behind for this test to mean anything"
    assert not (backup / WEEKS[3][1]).exists(), "a half-written snapshot must never carry a snapshot name"
    assert pushgateway.metrics("mailserver-backup")["backup_last_success_timestamp"] == week2_success
    # Poison the leftover: same size and mtime, different bytes. If the next run reused or
    # linked against it, rsync's quick check would keep the poisoned bytes.
    victim = partial / "data/user003/cur/0000.mail:2,S"
    original = victim.read_bytes()
    stat = victim.stat()
    victim.unlink()
    victim.write_bytes(b"X" * len(original))
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    # Week 3 again, to completion: the leftover is discarded, the snapshot links to week 2.
    done = run_week(job, backup, path, pushgateway, 3, tmp_path)
    assert done.returncode == 0, done.stderr
    week3 = backup / WEEKS[3][1]
    assert not partial.exists()
    assert (week3 / "data/user003/cur/0000.mail:2,S").read_bytes() == original
    w3 = files_under(week3)
    w2 = files_under(week2)
    assert all(os.stat(w3[rel]).st_ino == os.stat(w2[rel]).st_ino for rel in w3), "week 3 must link against week 2"
    assert pushgateway.metrics("mailserver-backup")["backup_last_success_timestamp"] >= epoch(WEEKS[3][0])

    # Retention: exactly KEEP snapshots, the oldest gone, nothing else touched.
    snapshots = sorted(p.name for p in backup.iterdir() if p.is_dir() and len(p.name) == 7 and p.name[4] == "-" and p.name.replace("-", "").isdigit())
    assert snapshots == [WEEKS[2][1], WEEKS[3][1]]
    for name in NOT_SNAPSHOTS:
        assert (backup / name / "keep-me").read_text() == "not a snapshot\n", name
    assert (backup / "README").exists()
    assert sorted(p.name for p in backup.iterdir()) == sorted([*NOT_SNAPSHOTS, "README", *snapshots])


def test_a_missing_source_fails_and_pushes_nothing(mailserver, pushgateway, tmp_path):
    sources, backup, job = mailserver
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    sources["state"].rename(sources["state"].with_name("gone"))
    done = run_script(job["script"], path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"})
    assert done.returncode != 0
    assert "missing source" in done.stderr and "mail-state" in done.stderr
    assert pushgateway.metrics("mailserver-backup") == {}
    assert not any(p.name.startswith(("20", ".partial")) and p.name not in NOT_SNAPSHOTS for p in backup.iterdir())


def test_an_interrupted_swap_is_recovered(mailserver, pushgateway, tmp_path):
    """Killed between `<week> -> .old-<week>` and `.partial -> <week>` on a rerun in the same
    week: the next run puts the complete old snapshot back before anything else."""
    sources, backup, job = mailserver
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    assert run_script(job["script"], path, env, faketime=WEEKS[1][0]).returncode == 0
    week1 = backup / WEEKS[1][1]
    unchanged = "data/user005/cur/0005.mail:2,S"
    inode_before = (week1 / unchanged).stat().st_ino
    week1.rename(backup / f".old-{WEEKS[1][1]}")
    (backup / f".partial-{WEEKS[1][1]}").mkdir()
    (sources["data"] / "user000/cur/0000.mail:2,S").write_text("changed\n")
    done = run_script(job["script"], path, env, faketime=WEEKS[1][0])
    assert done.returncode == 0, done.stderr
    assert not (backup / f".old-{WEEKS[1][1]}").exists()
    assert (week1 / "data/user000/cur/0000.mail:2,S").read_text() == "changed\n"
    assert len(files_under(week1 / "data")) == MAIL_DIRS * FILES_PER_DIR
    # The rerun linked against the recovered snapshot (same inode), then replaced it.
    assert (week1 / unchanged).stat().st_ino == inode_before
