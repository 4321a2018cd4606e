"""Snapshot manifests and the rsync restore drill, run as the CronJobs run them: `busybox sh`
with busybox applets plus the real rsync and b3sum, a real Pushgateway on loopback.

The manifest is checked against the tree through Python's own lstat and a separate b3sum
per file; the drill must pass on a good snapshot and fail, pushing nothing, on every kind
of damage a snapshot can suffer."""
import os
import pathlib
import shutil
import stat
import subprocess

import pytest

from backstop_render_support import alpine_like_path, render, require_tool, run_script

WEEK1 = ("2026-04-06 03:00:00", "2026-15")
WEEK2 = ("2026-04-13 03:00:00", "2026-16")
# Names a line-based format gets wrong: blanks, a tab, a newline, a backslash, a leading
# dash, escapes that printf would read, non-ASCII.
ODD_NAMES = ["with space", "tab\there", "new\nline", "back\\slash", "-dash", "pct%b\\n\\c", "ünï"]
JOB = {
    "name": "files", "namespace": "apps", "schedule": "0 3 * * *", "strategy": "rsync",
    "source_claim": "files-data", "destination_claim": "files-backup-host", "keep": 4,
}


def make_tree(root: pathlib.Path) -> None:
    (root / "docs/deep/er").mkdir(parents=True)
    (root / "docs/a.txt").write_text("alpha\n")
    (root / "docs/deep/er/b.bin").write_bytes(bytes(range(256)) * 40)
    (root / "docs/empty").write_bytes(b"")
    os.chmod(root / "docs/a.txt", 0o640)
    (root / "secret").write_text("key\n")
    os.chmod(root / "secret", 0o600)
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)
    os.chmod(root / "docs/deep", 0o750)
    for i, name in enumerate(ODD_NAMES):
        (root / name).write_text(f"odd {i}\n")
    os.mkdir(root / "dir\nwith newline")
    (root / "dir\nwith newline" / "inner").write_text("inner\n")
    os.symlink("docs/a.txt", root / "link")
    os.symlink("missing\ttarget\\x", root / "dangling")
    os.link(root / "docs/a.txt", root / "hardlink-to-a")


def b3(path: pathlib.Path) -> str:
    with open(path, "rb") as f:
        return subprocess.run([require_tool("b3sum"), "--no-names"], stdin=f, capture_output=True,
                              text=True, check=True).stdout.strip()


def escape(name: str) -> str:
    return name.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def expected_entries(tree: pathlib.Path) -> dict[str, tuple]:
    """path -> (type, mode, size, target, hash), computed here without the scripts."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in dirnames + filenames:
            full = pathlib.Path(dirpath) / name
            relative = str(full.relative_to(tree))
            if relative.startswith(".backstop-"):
                continue
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                entry = ("l", "777", "-", escape(os.readlink(full)), "-")
            elif stat.S_ISDIR(st.st_mode):
                entry = ("d", format(stat.S_IMODE(st.st_mode), "o"), "-", "-", "-")
            else:
                entry = ("f", format(stat.S_IMODE(st.st_mode), "o"), str(st.st_size), "-", b3(full))
            entries[escape(relative)] = entry
    return entries


def manifest_entries(manifest: pathlib.Path) -> dict[str, tuple]:
    entries = {}
    for line in manifest.read_bytes().decode().split("\n")[:-1]:
        if line.startswith("#"):
            continue
        path, kind, mode, size, _mtime, _inode, target, digest = line.split("\t")
        entries[path] = (kind, mode, size, target, digest)
    return entries


@pytest.fixture
def files_job(tmp_path):
    source = tmp_path / "source"
    make_tree(source)
    backup = tmp_path / "backup"
    backup.mkdir()
    spec = render({
        "jobs": [{**JOB, "mounts": {"data": {"path": str(source)}}}],
        "restore_tests": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}}, "restore_test": {}}],
    })
    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    return source, backup, spec["jobs"][0]["script"], spec["restore_tests"][0]["script"], path


def backup_run(script, backup, path, pushgateway, week, extra_env=None):
    env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC", **(extra_env or {})}
    done = run_script(script, path, env, faketime=week[0])
    assert done.returncode == 0, done.stderr
    return backup / week[1]


def drill(script, backup, scratch, path, pushgateway):
    scratch.mkdir(exist_ok=True)
    env = {"BACKUP_DIR": str(backup), "SCRATCH_DIR": str(scratch), "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
    return run_script(script, path, env)


DRILL_METRICS = {"backup_restore_test_last_success_timestamp", "backup_restore_test_duration_seconds",
                 "backup_restore_test_bytes", "backup_restore_test_files"}


def test_the_manifest_lists_every_entry_with_its_metadata_and_hash(files_job, pushgateway):
    source, backup, script, _, path = files_job
    snapshot = backup_run(script, backup, path, pushgateway, WEEK1)
    manifest = snapshot / ".backstop-manifest"
    lines = manifest.read_bytes().decode().split("\n")
    assert lines[0] == "#backstop-manifest\t1\tblake3"
    assert lines[-1] == "" and lines[-2] == f"#end\t{len(manifest_entries(manifest))}"
    assert manifest_entries(manifest) == {f"data/{p}": e for p, e in expected_entries(source).items()} | {
        "data": ("d", format(stat.S_IMODE(os.lstat(source).st_mode), "o"), "-", "-", "-")}
    # Hard links share an inode column; busybox sort wrote the entries in byte order.
    rows = {l.split("\t")[0]: l.split("\t") for l in lines[1:-2]}
    assert rows["data/hardlink-to-a"][5] == rows["data/docs/a.txt"][5] != rows["data/secret"][5]
    paths = [l.split("\t")[0] for l in lines[1:-2]]
    assert [p.encode() for p in paths] == sorted(p.encode() for p in paths)
    assert not list(snapshot.glob(".backstop-manifest.*"))


def test_week_two_hashes_only_the_files_rsync_did_not_link(files_job, pushgateway, tmp_path):
    source, backup, script, _, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    # A b3sum that records every file it is asked to read.
    log = tmp_path / "hashed.log"
    wrapper = tmp_path / "wrapped-bin"
    shutil.copytree(path, wrapper, symlinks=True)
    (wrapper / "b3sum").unlink()
    (wrapper / "b3sum").write_text(f"#!/bin/sh\nfor f; do echo \"$f\" >> '{log}'; done\nexec '{require_tool('b3sum')}' \"$@\"\n")
    os.chmod(wrapper / "b3sum", 0o755)
    (source / "docs/a.txt").write_text("alpha, changed\n")  # also changes its hard link
    (source / "new file").write_text("new\n")
    week2 = backup_run(script, backup, str(wrapper), pushgateway, WEEK2)
    hashed = sorted(l for l in log.read_text().splitlines() if l != "--no-names")
    assert hashed == ["./data/docs/a.txt", "./data/hardlink-to-a", "./data/new file"]
    # The reused hashes are still the right ones.
    assert manifest_entries(week2 / ".backstop-manifest") == {
        f"data/{p}": e for p, e in expected_entries(source).items()} | {
        "data": ("d", format(stat.S_IMODE(os.lstat(source).st_mode), "o"), "-", "-", "-")}


def test_the_drill_passes_on_a_good_snapshot_and_pushes_its_metrics(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    before = set(os.listdir(tmp_path / "scratch")) if (tmp_path / "scratch").exists() else set()
    done = drill(drill_script, backup, tmp_path / "scratch", path, pushgateway)
    assert done.returncode == 0, done.stderr
    metrics = pushgateway.metrics("files-restore-test")
    assert DRILL_METRICS <= metrics.keys()
    regular = [e for e in expected_entries(source).values() if e[0] == "f"]
    assert metrics["backup_restore_test_files"] == len(regular)
    assert metrics["backup_restore_test_bytes"] == sum(int(e[2]) for e in regular)
    # The scratch space is left as it was found.
    assert set(os.listdir(tmp_path / "scratch")) == before


def damaged_copy(backup: pathlib.Path, tmp_path: pathlib.Path, label: str) -> tuple[pathlib.Path, pathlib.Path]:
    """A copy of the backup folder (cp -a keeps its hard links) and its snapshot."""
    copy = tmp_path / f"damaged-{label}"
    subprocess.run(["cp", "-a", str(backup), str(copy)], check=True)
    return copy, copy / WEEK1[1]


def flip_byte(path: pathlib.Path) -> None:
    st = os.stat(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime


def test_the_drill_fails_and_pushes_nothing_on_any_damage(files_job, pushgateway, tmp_path):
    source, backup, script, drill_script, path = files_job
    backup_run(script, backup, path, pushgateway, WEEK1)
    snapshot = backup / WEEK1[1]
    damages = {}
    nonempty = [p for p in snapshot.rglob("*") if p.is_file() and not p.is_symlink()
                and not p.name.startswith(".backstop-") and p.stat().st_size > 0]
    assert len(nonempty) >= 12
    for i, file in enumerate(nonempty):
        relative = file.relative_to(snapshot)
        damages[f"flip{i}"] = (lambda s, r=relative: flip_byte(s / r), "content differs")

    def truncate(s, keep):
        manifest = s / ".backstop-manifest"
        data = manifest.read_bytes()
        manifest.write_bytes(data[:keep(len(data))])

    damages |= {
        "missing": (lambda s: (s / "data/docs/deep/er/b.bin").unlink(), "missing: data/docs/deep/er/b.bin"),
        "missing-odd": (lambda s: (s / "data/new\nline").unlink(), "missing: data/new\\nline"),
        "extra": (lambda s: (s / "data/docs/intruder").write_text("x"), "extra: data/docs/intruder"),
        "extra-dir": (lambda s: (s / "data/newdir").mkdir(), "extra: data/newdir"),
        "mode": (lambda s: os.chmod(s / "data/secret", 0o644), "mode differs: data/secret"),
        "dir-mode": (lambda s: os.chmod(s / "data/docs/deep", 0o755), "mode differs: data/docs/deep"),
        "symlink": (lambda s: (os.unlink(s / "data/link"), os.symlink("docs/empty", s / "data/link")),
                    "symlink target differs: data/link"),
        "hardlink": (lambda s: (os.unlink(s / "data/hardlink-to-a"), shutil.copy2(s / "data/docs/a.txt", s / "data/hardlink-to-a")),
                     "hard links differ"),
        "manifest-last-line": (lambda s: truncate(s, lambda n: n - len("#end\t99\n") + 2), "cut short"),
        "manifest-half": (lambda s: truncate(s, lambda n: n // 2), "cut short"),
        "manifest-empty": (lambda s: truncate(s, lambda n: 0), "not a Backstop manifest"),
        "no-manifest": (lambda s: (s / ".backstop-manifest").unlink(), "has no .backstop-manifest"),
    }
    for label, (damage, message) in damages.items():
        copy, copied_snapshot = damaged_copy(backup, tmp_path, label)
        damage(copied_snapshot)
        done = drill(drill_script, copy, tmp_path / "scratch", path, pushgateway)
        assert done.returncode != 0, f"{label}: the drill passed on a damaged snapshot\n{done.stderr}"
        assert message in done.stderr, f"{label}:\n{done.stderr[-3000:]}"
        shutil.rmtree(copy)
    assert not DRILL_METRICS & pushgateway.metrics("files-restore-test").keys()
    assert os.listdir(tmp_path / "scratch") == []
    # The undamaged original still passes: the failures were the damage, nothing else.
    done = drill(drill_script, backup, tmp_path / "scratch", path, pushgateway)
    assert done.returncode == 0, done.stderr


def test_a_verify_fraction_hashes_a_share_but_checks_every_entry(files_job, pushgateway, tmp_path):
    source, backup, script, _, path = files_job
    spec = render({"restore_tests": [{"job": {**JOB, "mounts": {"data": {"path": str(source)}}},
                                      "restore_test": {"verify_fraction": 0.01}}]})
    drill_script = spec["restore_tests"][0]["script"]
    backup_run(script, backup, path, pushgateway, WEEK1)
    copy, snapshot = damaged_copy(backup, tmp_path, "mode")
    os.chmod(snapshot / "data/secret", 0o644)
    done = drill(drill_script, copy, tmp_path / "scratch", path, pushgateway)
    assert done.returncode != 0 and "mode differs: data/secret" in done.stderr
    done = drill(drill_script, backup, tmp_path / "scratch", path, pushgateway)
    assert done.returncode == 0, done.stderr
    assert pushgateway.metrics("files-restore-test")["backup_restore_test_files"] > 0


def test_invalid_drills_are_refused_with_the_attribute_path(tmp_path):
    render_json = pathlib.Path(__file__).resolve().parents[2] / "target/release/examples/render_json"
    import json
    job = {**JOB, "mounts": {"data": {"path": "/data"}}}
    cases = [
        ({"verify_fraction": 0}, "restore_test.verify_fraction"),
        ({"verify_fraction": 1.5}, "restore_test.verify_fraction"),
        ({"check_query": "SELECT 1"}, "restore_test.check_query: check_query applies to sqlite and dump jobs only"),
        ({"min_rows": 3}, "restore_test.min_rows"),
    ]
    for test, message in cases:
        done = subprocess.run([render_json], input=json.dumps({"restore_tests": [{"job": job, "restore_test": test}]}),
                              capture_output=True, text=True)
        assert done.returncode == 1 and message in done.stderr, (test, done.stderr)
    command = {**JOB, "strategy": "command", "command": "true"}
    done = subprocess.run([render_json], input=json.dumps({"restore_tests": [{"job": command, "restore_test": {}}]}),
                          capture_output=True, text=True)
    assert done.returncode == 1 and "no restore drill exists for the command strategy" in done.stderr, done.stderr
