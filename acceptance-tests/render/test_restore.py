"""The rsync restore script under `busybox sh` with the real rsync and b3sum: a restore
equals the source tree (content, modes, symlinks, hard links), a non-empty target is
refused without overwrite, and a restore killed anywhere leaves the old or the verified
new content (20 SIGKILLs at random points)."""
import os
import pathlib
import random
import shutil
import signal
import subprocess
import stat
import time

from backstop_render_support import alpine_like_path, render, require_tool, run_script, script_command
from test_manifest_drill import JOB, WEEK1, backup_run, make_tree

BUSYBOX = require_tool("busybox")


def tree_state(root: pathlib.Path) -> dict:
    """What a user sees of a tree: each entry's type, mode, content or target, and which
    paths are hard links of each other."""
    state, inodes = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = pathlib.Path(dirpath) / name
            st = os.lstat(full)
            relative = str(full.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                state[relative] = ("l", os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                state[relative] = ("d", stat.S_IMODE(st.st_mode))
            else:
                state[relative] = ("f", stat.S_IMODE(st.st_mode), full.read_bytes())
                inodes.setdefault(st.st_ino, []).append(relative)
    links = sorted(sorted(group) for group in inodes.values() if len(group) > 1)
    return {"entries": state, "hard_links": links}


def setup(tmp_path, pushgateway, **restore):
    source = tmp_path / "source"
    make_tree(source)
    backup = tmp_path / "backup"
    backup.mkdir()
    job = {**JOB, "mounts": {"data": {"path": str(source)}}}
    spec = render({"jobs": [job], "restores": [{"job": job, "restore": restore}]})
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    backup_run(spec["jobs"][0]["script"], backup, path, pushgateway, WEEK1)
    return source, backup, spec["restores"][0]["script"], path


def start_restore(script, path, env, log: pathlib.Path) -> subprocess.Popen:
    """Starts the script in its own session with its output in a file: a pipe nobody reads
    would fill with the trace and stop the script at a write, always at the same point."""
    command, full_env = script_command(script, path, env)
    with open(log, "w") as out:
        return subprocess.Popen(command, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def restore_env(backup, target):
    return {"BACKUP_DIR": str(backup), "TARGET_DIR": str(target), "TZ": "UTC"}


def test_a_restore_into_an_empty_target_equals_the_source(tmp_path, pushgateway):
    source, backup, script, path = setup(tmp_path, pushgateway)
    claim = tmp_path / "claim"
    claim.mkdir()
    done = run_script(script, path, restore_env(backup, claim / "data"))
    assert done.returncode == 0, done.stderr
    assert tree_state(claim / "data") == tree_state(source)
    assert tree_state(source)["hard_links"] == [["docs/a.txt", "hardlink-to-a"]]
    assert os.listdir(claim) == ["data"]  # no staging or old copy left behind
    # An existing but empty target (a fresh claim's folder) is filled the same way.
    (claim / "empty").mkdir()
    done = run_script(script, path, restore_env(backup, claim / "empty"))
    assert done.returncode == 0, done.stderr
    assert tree_state(claim / "empty") == tree_state(source)


def test_a_non_empty_target_is_refused_unless_overwrite(tmp_path, pushgateway):
    source, backup, script, path = setup(tmp_path, pushgateway)
    target = tmp_path / "claim/data"
    target.mkdir(parents=True)
    (target / "precious").write_text("the app's current data\n")
    before = tree_state(target)
    done = run_script(script, path, restore_env(backup, target))
    assert done.returncode != 0 and "refusing to restore" in done.stderr
    assert tree_state(target) == before and os.listdir(target.parent) == ["data"]
    overwrite = render({"restores": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}},
                                      "restore": {"overwrite": True}}]})["restores"][0]["script"]
    done = run_script(overwrite, path, restore_env(backup, target))
    assert done.returncode == 0, done.stderr
    assert tree_state(target) == tree_state(source) and os.listdir(target.parent) == ["data"]


def test_a_damaged_snapshot_is_never_swapped_in(tmp_path, pushgateway):
    source, backup, _, path = setup(tmp_path, pushgateway)
    script = render({"restores": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}},
                                   "restore": {"overwrite": True, "snapshot": WEEK1[1]}}]})["restores"][0]["script"]
    target = tmp_path / "claim/data"
    target.mkdir(parents=True)
    (target / "precious").write_text("old\n")
    before = tree_state(target)
    (backup / WEEK1[1] / "data/secret").write_text("tampered\n")
    done = run_script(script, path, restore_env(backup, target))
    assert done.returncode != 0 and "differs: secret" in done.stderr, done.stderr[-2000:]
    assert tree_state(target) == before and os.listdir(target.parent) == ["data"]
    (backup / WEEK1[1] / ".backstop-manifest").unlink()
    done = run_script(script, path, restore_env(backup, target))
    assert done.returncode != 0 and "has no .backstop-manifest" in done.stderr
    assert tree_state(target) == before


def test_a_restore_killed_anywhere_leaves_old_or_verified_new_content(tmp_path, pushgateway):
    source, backup, _, path = setup(tmp_path, pushgateway)
    # A larger tree, so that the kills land in the copy, the hashing and the swap.
    for i in range(2000):
        (source / "docs" / f"bulk{i:04}").write_bytes(os.urandom(2000))
    shutil.rmtree(backup / WEEK1[1])
    job = {**JOB, "mounts": {"data": {"path": str(source)}}}
    spec = render({"jobs": [job], "restores": [{"job": job, "restore": {"overwrite": True}}]})
    backup_run(spec["jobs"][0]["script"], backup, path, pushgateway, WEEK1)
    script = spec["restores"][0]["script"]
    # A slow file server: each rename takes 0.3 s, so that kills also land between the
    # two renames of the swap (the target absent for that moment).
    (pathlib.Path(path) / "mv").unlink()
    (pathlib.Path(path) / "mv").write_text(f"#!{BUSYBOX} sh\nsleep 0.3\nexec {BUSYBOX} mv \"$@\"\n")
    os.chmod(pathlib.Path(path) / "mv", 0o755)
    new = tree_state(source)
    old_tree = tmp_path / "old"
    (old_tree / "sub").mkdir(parents=True)
    (old_tree / "sub/old.txt").write_text("old content\n")
    old = tree_state(old_tree)
    claim = tmp_path / "claim"
    claim.mkdir()
    target = claim / "data"

    # Kill points by progress, not by time (4 helpers share 2 cores, so run times vary
    # several-fold): a random moment after the start, after the staging copy appears, after
    # it is marked verified, after the old content went aside; each with a random delay.
    staging_dir = claim / ".backstop-restore-data.staging"
    milestones = [None, staging_dir, claim / ".backstop-restore-data.verified", claim / ".backstop-restore-data.old"]
    rng = random.Random(13)
    seen = {"old": 0, "new": 0, "between": 0}
    for run in range(20):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(old_tree, target, symlinks=True)
        process = start_restore(script, path, restore_env(backup, target), tmp_path / "run.log")
        milestone = milestones[run % 4]
        deadline = time.monotonic() + 60
        while milestone is not None and not milestone.exists() and process.poll() is None:
            assert time.monotonic() < deadline, f"run {run}: {milestone.name} never appeared"
            time.sleep(0.001)
        # The second rename takes 0.3 s: up to 0.8 s after the first covers the end too.
        time.sleep(rng.uniform(0, {0: 0.5, 1: 0.2, 2: 0.2, 3: 0.8}[run % 4]))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        staging = claim / ".backstop-restore-data.staging"
        if target.exists():
            state = tree_state(target)
            assert state in (old, new), f"run {run}: the target holds neither the old nor the new content"
            seen["old" if state == old else "new"] += 1
        else:
            # Killed between the two renames: the old content is whole, aside, and the
            # staging copy is marked verified; the next run finishes the swap.
            assert tree_state(claim / ".backstop-restore-data.old") == old, f"run {run}"
            assert (claim / ".backstop-restore-data.verified").exists() and tree_state(staging) == new
            seen["between"] += 1
        # The next run (the Job's retry) restores cleanly from whatever was left.
        done = run_script(script, path, restore_env(backup, target))
        assert done.returncode == 0, f"run {run}: {done.stderr[-2000:]}"
        assert tree_state(target) == new and os.listdir(claim) == ["data"], f"run {run}"
    print(f"20 kills: target old {seen['old']}, new {seen['new']}, "
          f"between the renames {seen['between']}")
    assert seen["old"] > 0 and seen["new"] + seen["between"] > 0


def test_the_next_run_finishes_a_verified_swap_and_undoes_an_unverified_one(tmp_path, pushgateway):
    """The two states a kill between the swap's renames can leave, built directly."""
    source, backup, _, path = setup(tmp_path, pushgateway)
    script = render({"restores": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}},
                                   "restore": {"overwrite": True}}]})["restores"][0]["script"]
    claim = tmp_path / "claim"
    claim.mkdir()
    old_dir, staging, marker = (claim / ".backstop-restore-data.old", claim / ".backstop-restore-data.staging",
                                claim / ".backstop-restore-data.verified")
    # Unverified staging: the old content goes back, and the restore then runs in full.
    old_dir.mkdir()
    (old_dir / "old.txt").write_text("old\n")
    staging.mkdir()
    (staging / "half-copied").write_text("x")
    done = run_script(script, path, restore_env(backup, claim / "data"))
    assert done.returncode == 0 and "undoing an interrupted restore" in done.stderr, done.stderr[-2000:]
    assert tree_state(claim / "data") == tree_state(source) and os.listdir(claim) == ["data"]
    # A refused run after an undo leaves the old content in place.
    shutil.rmtree(claim / "data")
    old_dir.mkdir()
    (old_dir / "old.txt").write_text("old\n")
    refusing = render({"restores": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}},
                                     "restore": {}}]})["restores"][0]["script"]
    done = run_script(refusing, path, restore_env(backup, claim / "data"))
    assert done.returncode != 0 and "refusing to restore" in done.stderr
    assert tree_state(claim / "data")["entries"] == {"old.txt": ("f", 0o644, b"old\n")}
    # Verified staging: the swap is finished with it.
    shutil.rmtree(claim / "data")
    old_dir.mkdir()
    subprocess.run(["cp", "-a", str(source), str(staging)], check=True)
    (staging / "marker-of-the-staged-copy").write_text("staged\n")
    marker.write_text("")
    with_marker = tree_state(staging)
    done = run_script(refusing, path, restore_env(backup, claim / "data"))
    assert "finishing an interrupted restore" in done.stderr, done.stderr[-2000:]
    assert tree_state(claim / "data") == with_marker and os.listdir(claim) == ["data"]
