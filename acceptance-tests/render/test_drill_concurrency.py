"""The rsync drill against a backup running at the same time, under `busybox sh` with the
real rsync: the drill mounts the backup claim read-only and cannot take the backup's
lock, so it waits while the lock exists, and a snapshot a backup replaced while the drill
verified it is verified once more instead of failing the drill falsely."""
import os
import pathlib
import subprocess
import time

from backstop_render_support import alpine_like_path, require_tool, script_command
from test_manifest_drill import DRILL_METRICS, WEEK1, backup_run, files_job  # noqa: F401  (fixture)


def start(script: str, path: str, env: dict, log: pathlib.Path):
    """The script in its own session, its output in a file (a pipe nobody reads would fill)."""
    command, full_env = script_command(script, path, env)
    with open(log, "w") as out:
        return subprocess.Popen(command, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def drill_env(backup: pathlib.Path, scratch: pathlib.Path, pushgateway, **extra) -> dict:
    scratch.mkdir(exist_ok=True)
    return {"BACKUP_DIR": str(backup), "SCRATCH_DIR": str(scratch), "PUSHGATEWAY_URL": pushgateway.url,
            "TZ": "UTC", **extra}


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def gated_rsync_path(tmp_path: pathlib.Path, gate: pathlib.Path) -> str:
    """busybox plus an rsync that, on its first call only, says it was entered and waits
    for `gate/go`: the drill holds still between reading the manifest and copying."""
    path = pathlib.Path(alpine_like_path(tmp_path / "drill-bin", []))
    (path / "rsync").write_text(
        f"#!{require_tool('busybox')} sh\n"
        f"if [ ! -e '{gate}/entered' ]; then\n"
        f"  : > '{gate}/entered'\n"
        f"  while [ ! -e '{gate}/go' ]; do sleep 1; done\n"
        "fi\n"
        f"exec '{require_tool('rsync')}' \"$@\"\n")
    (path / "rsync").chmod(0o755)
    return str(path)


def test_the_drill_waits_while_a_backup_holds_the_lock(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    lock = backup / ".backstop.lock"
    lock.write_text("backup-pod 4242 1775444400\n")
    log = tmp_path / "drill.log"
    started = time.monotonic()
    drill = start(drill_script, path, drill_env(backup, tmp_path / "scratch", pushgateway), log)
    try:
        wait_for(lambda: "waiting for it to finish" in log.read_text(), 10, "the drill to wait")
        time.sleep(1.5)
        assert drill.poll() is None, log.read_text()[-2000:]
        assert not list((tmp_path / "scratch").iterdir()), "nothing restored while the lock exists"
        lock.unlink()
        assert drill.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if drill.poll() is None:
            os.killpg(drill.pid, 9)
    assert time.monotonic() - started >= 1.5
    assert DRILL_METRICS <= pushgateway.metrics("files-restore-test").keys()


def test_a_lock_left_by_a_killed_backup_delays_the_drill_only_for_the_bound(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    (backup / ".backstop.lock").write_text("gone-pod 1 1\n")
    log = tmp_path / "drill.log"
    drill = start(drill_script, path, drill_env(backup, tmp_path / "scratch", pushgateway,
                                                BACKUP_LOCK_WAIT_SECONDS="2"), log)
    assert drill.wait(timeout=60) == 0, log.read_text()[-3000:]
    assert "is still there after 2s; drilling anyway" in log.read_text()
    assert DRILL_METRICS <= pushgateway.metrics("files-restore-test").keys()


def test_a_snapshot_replaced_by_a_real_backup_during_the_drill_is_verified_again(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    gate = tmp_path / "gate"
    gate.mkdir()
    log = tmp_path / "drill.log"
    drill = start(drill_script, gated_rsync_path(tmp_path, gate),
                  drill_env(backup, tmp_path / "scratch", pushgateway), log)
    try:
        # The drill copied the manifest of 2026-15 and stands at its copy: a second run of
        # the same week, with a changed file, replaces 2026-15 under it.
        wait_for((gate / "entered").exists, 30, "the drill to reach its copy")
        (source / "docs/a.txt").write_text("alpha, changed by the app after the first run\n")
        snapshot = backup_run(script, backup, path, pushgateway, WEEK1)
        assert (snapshot / "data/docs/a.txt").read_text().startswith("alpha, changed")
        (gate / "go").touch()
        assert drill.wait(timeout=120) == 0, log.read_text()[-4000:]
    finally:
        if drill.poll() is None:
            os.killpg(drill.pid, 9)
    output = log.read_text()
    # The first verification saw the new content against the old manifest, then the
    # newest snapshot was restored and verified again, and passed.
    assert "content differs: data/docs/a.txt" in output or "size differs: data/docs/a.txt" in output, output[-4000:]
    assert "a backup run replaced 2026-15 while the drill verified it" in output
    assert DRILL_METRICS <= pushgateway.metrics("files-restore-test").keys()


def test_damage_found_with_the_snapshot_unchanged_fails_without_a_second_try(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    snapshot = backup_run(script, backup, path, pushgateway, WEEK1)
    victim = snapshot / "data/docs/a.txt"
    data = bytearray(victim.read_bytes())
    data[0] ^= 0x01
    victim.write_bytes(bytes(data))
    log = tmp_path / "drill.log"
    drill = start(drill_script, path, drill_env(backup, tmp_path / "scratch", pushgateway), log)
    assert drill.wait(timeout=60) != 0
    output = log.read_text()
    assert "content differs: data/docs/a.txt" in output and "verifying the newest snapshot again" not in output
    assert not DRILL_METRICS & pushgateway.metrics("files-restore-test").keys()
