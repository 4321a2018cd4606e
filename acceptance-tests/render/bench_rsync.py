"""Benchmark: the rendered rsync script's week-2 run on 200,000 files (100 KB of changes
since week 1), under busybox with the real rsync, as the CronJob runs it. Prints the wall
time of the run with the output size taken from rsync's --stats (issue 9) and of the same
run with the size measured by walking the new snapshot with `du -sb` (the script before
issue 9 did that), the `du` step alone, and the peak RSS of the largest process (rsync).

    python acceptance-tests/render/bench_rsync.py                # 200,000 files, 3 rounds
    python acceptance-tests/render/bench_rsync.py --files 20000 --rounds 1

Needs `cargo build --release -p backstop-codegen --example render_json`. Figures only:
nothing is asserted about time. The files live under the system temp dir; on tmpfs the
figures are those of memory, not of a disk or NFS.
"""
import argparse
import datetime
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from backstop_render_support import alpine_like_path, render_job, script_command  # noqa: E402

WEEK1 = datetime.datetime(2026, 4, 6, 3, 0, 0)
WEEK2 = WEEK1 + datetime.timedelta(days=7)
OUTPUT_FROM_STATS = "OUTPUT_BYTES=$BYTES\n"


def fake(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def run_measured(script: str, path: str, env: dict, faketime: str) -> tuple[float, int, str]:
    """Wall seconds, the peak RSS (KiB) of the largest process, and stderr, measured in a
    child Python so that RUSAGE_CHILDREN holds this run alone."""
    command, full_env = script_command(script, path, env, faketime)
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.monotonic()\n"
        "done = subprocess.run(json.loads(sys.argv[1]), env=json.loads(sys.argv[2]), capture_output=True, text=True)\n"
        "took = time.monotonic() - t\n"
        "sys.stderr.write(done.stderr)\n"
        "print(done.returncode, took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    import json
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(command), json.dumps(full_env)],
                          capture_output=True, text=True)
    code, took, peak = done.stdout.split()
    if code != "0":
        sys.exit(f"the backup run failed:\n{done.stderr[-3000:]}")
    return float(took), int(peak), done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = pathlib.Path(tempfile.mkdtemp(prefix="backstop-bench-rsync-"))
    try:
        source, backup = base / "source", base / "backup"
        per_dir = 100
        for d in range(args.files // per_dir):
            folder = source / f"user{d:05}" / "cur"
            folder.mkdir(parents=True)
            for f in range(per_dir):
                (folder / f"{f:03}:2,S").write_bytes(b"m" * 200)
        backup.mkdir()
        job = render_job({"name": "mail", "namespace": "mail", "schedule": "0 3 * * 1", "strategy": "rsync",
                          "source_claim": "mail-data", "destination_claim": "mail-backup", "keep": 8,
                          "mounts": {"data": {"path": str(source)}}})
        stats_script = job["script"]
        assert OUTPUT_FROM_STATS in stats_script, "the rendered script no longer takes the size from --stats"
        du_script = stats_script.replace(OUTPUT_FROM_STATS, "")  # push_metrics falls back to du -sb
        path = alpine_like_path(base / "bin", ["rsync"])
        # The Pushgateway is not part of the figure: a closed port fails the push at once.
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": "http://127.0.0.1:9", "TZ": "UTC"}
        took, peak, _ = run_measured(stats_script, path, env, fake(WEEK1))
        print(f"files: {args.files:,}; week 1 (full copy): {took:.2f} s, peak RSS {peak / 1024:.0f} MiB")
        for d in range(0, args.files // per_dir, max(1, args.files // per_dir // 500)):
            (source / f"user{d:05}" / "cur" / "new:2,").write_bytes(b"n" * 200)
        figures = {"stats": [], "du": []}
        peaks = {"stats": [], "du": []}
        du_alone = []
        week2 = backup / f"{WEEK2.isocalendar()[0]}-{WEEK2.isocalendar()[1]:02}"
        for _ in range(args.rounds):
            for variant, script in (("stats", stats_script), ("du", du_script)):
                if week2.exists():
                    shutil.rmtree(week2)
                took, peak, _ = run_measured(script, path, env, fake(WEEK2))
                figures[variant].append(took)
                peaks[variant].append(peak)
            started = time.monotonic()
            subprocess.run(["busybox", "du", "-sb", str(week2)], check=True, capture_output=True)
            du_alone.append(time.monotonic() - started)
        after, before = statistics.median(figures["stats"]), statistics.median(figures["du"])
        print(f"week 2, output size from rsync --stats (after): {after:.2f} s (runs: {', '.join(f'{t:.2f}' for t in figures['stats'])})")
        print(f"week 2, output size from du -sb (before):       {before:.2f} s (runs: {', '.join(f'{t:.2f}' for t in figures['du'])})")
        print(f"du -sb of the week-2 snapshot alone:             {statistics.median(du_alone):.2f} s")
        print(f"saved: {before - after:.2f} s ({100 * (before - after) / before:.0f}% of the run)")
        print(f"peak RSS of the largest process (rsync): {max(peaks['stats']) / 1024:.0f} MiB "
              f"(du variant {max(peaks['du']) / 1024:.0f} MiB)")
        print(f"filesystem of the temp dir: {subprocess.run(['stat', '-f', '-c', '%T', str(base)], capture_output=True, text=True).stdout.strip()}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
