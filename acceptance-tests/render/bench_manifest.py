"""Benchmark: what snapshot manifests cost, under busybox with the real rsync and b3sum, as
the CronJobs run them. Prints the week-2 rsync run with manifests (after) against the same
run with the write_manifest step cut out of the script (before), on a tree of 10,000
files with 1% of them changed since week 1 (target: at most 1.2x), and the rsync drill's
time per GB on a tree of large files.

    python acceptance-tests/render/bench_manifest.py                 # 10,000 files, 3 rounds, 512 MiB drill
    python acceptance-tests/render/bench_manifest.py --rounds 1 --drill-mib 64

Needs `cargo build --release -p backstop-codegen --example render_json`. Figures only:
nothing is asserted about time. The files live under the system temp dir; on tmpfs the
figures are those of memory, not of a disk or NFS.
"""
import argparse
import datetime
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from backstop_render_support import alpine_like_path, render, script_command  # noqa: E402

WEEK1 = datetime.datetime(2026, 4, 6, 3, 0, 0)
WEEK2 = WEEK1 + datetime.timedelta(days=7)
WRITE_MANIFEST = 'write_manifest "$PARTIAL" "$LATEST"\n'
JOB = {"name": "files", "namespace": "apps", "schedule": "0 3 * * 1", "strategy": "rsync",
       "source_claim": "files-data", "destination_claim": "files-backup", "keep": 8}


def fake(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def timed(script: str, path: str, env: dict, faketime: str | None = None) -> float:
    command, full_env = script_command(script, path, env, faketime)
    started = time.monotonic()
    done = subprocess.run(command, env=full_env, capture_output=True, text=True)
    took = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"a run failed:\n{done.stderr[-3000:]}")
    return took


def runs(values):
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--churn-percent", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drill-mib", type=int, default=512)
    args = parser.parse_args()
    base = pathlib.Path(tempfile.mkdtemp(prefix="backstop-bench-manifest-"))
    try:
        source, backup = base / "source", base / "backup"
        per_dir = 100
        names = []
        for d in range(args.files // per_dir):
            folder = source / f"user{d:04}" / "cur"
            folder.mkdir(parents=True)
            for f in range(per_dir):
                (folder / f"{f:03}:2,S").write_bytes(os.urandom(2048))
                names.append(folder / f"{f:03}:2,S")
        backup.mkdir()
        job = {**JOB, "mounts": {"data": {"path": str(source)}}}
        spec = render({"jobs": [job], "restore_tests": [{"job": job, "restore_test": {}}]})
        with_manifest = spec["jobs"][0]["script"]
        assert WRITE_MANIFEST in with_manifest, "the rendered script no longer calls write_manifest"
        without_manifest = with_manifest.replace(WRITE_MANIFEST, "")
        path = alpine_like_path(base / "bin", ["rsync"])
        # The Pushgateway is not part of the figure: a closed port fails the push at once.
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": "http://127.0.0.1:9", "TZ": "UTC"}
        took = timed(with_manifest, path, env, fake(WEEK1))
        print(f"files: {args.files:,}; week 1 (full copy, every file hashed): {took:.2f} s")
        changed = names[:: max(1, int(100 / args.churn_percent))]
        for name in changed:
            name.write_bytes(os.urandom(2048))
        print(f"changed since week 1: {len(changed):,} files ({100 * len(changed) / len(names):.1f}%)")
        week2 = backup / f"{WEEK2.isocalendar()[0]}-{WEEK2.isocalendar()[1]:02}"
        figures = {"with": [], "without": []}
        for _ in range(args.rounds):
            for variant, script in (("with", with_manifest), ("without", without_manifest)):
                if week2.exists():
                    shutil.rmtree(week2)
                figures[variant].append(timed(script, path, env, fake(WEEK2)))
        after, before = statistics.median(figures["with"]), statistics.median(figures["without"])
        print(f"week 2 with manifests (after):     {after:.2f} s (runs: {runs(figures['with'])})")
        print(f"week 2 without manifests (before): {before:.2f} s (runs: {runs(figures['without'])})")
        print(f"ratio: {after / before:.2f}x (target at most 1.2x)")
        # The drill of a week-2 snapshot written with its manifest.
        shutil.rmtree(week2)
        timed(with_manifest, path, env, fake(WEEK2))
        scratch = base / "scratch"
        scratch.mkdir()
        drill_env = {**env, "SCRATCH_DIR": str(scratch)}
        took = timed(spec["restore_tests"][0]["script"], path, drill_env)
        print(f"drill of the {args.files:,}-file snapshot: {took:.2f} s")

        # Drill time per GB: large files, so that reading and hashing dominate.
        shutil.rmtree(source)
        shutil.rmtree(backup)
        backup.mkdir()
        (source / "blobs").mkdir(parents=True)
        chunk = os.urandom(1 << 20)
        for i in range(max(1, args.drill_mib // 16)):
            with open(source / "blobs" / f"blob{i:03}", "wb") as out:
                for _ in range(16):
                    out.write(chunk)
        timed(with_manifest, path, env, fake(WEEK1))
        drills = [timed(spec["restore_tests"][0]["script"], path, drill_env) for _ in range(args.rounds)]
        size_gib = (args.drill_mib // 16) * 16 / 1024
        per_gb = statistics.median(drills) / size_gib
        print(f"drill of {size_gib * 1024:.0f} MiB in 16 MiB files: {statistics.median(drills):.2f} s "
              f"(runs: {runs(drills)}) = {per_gb:.2f} s per GiB (restore copy + listing + BLAKE3 of every file)")
        print(f"filesystem of the temp dir: {subprocess.run(['stat', '-f', '-c', '%T', str(base)], capture_output=True, text=True).stdout.strip()}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
