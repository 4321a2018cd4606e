"""The provider benchmark keeps working: a small run prints every figure the issue asks for.
Its numbers are not judged here (speed is a benchmark, not a test); the full run is
`.venv/bin/python acceptance-tests/provider/provider_bench.py`.
"""
import re
import subprocess
import sys

from provider_support import REPO

BENCH = REPO / "acceptance-tests" / "provider" / "provider_bench.py"


def test_a_small_benchmark_run_prints_every_figure(provider_bin):
    result = subprocess.run(
        [sys.executable, str(BENCH), "--count", "3", "--rounds", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = [line for line in result.stdout.splitlines() if line.startswith("BENCH")]
    expected = [
        r"with Terraform v\d+\.\d+\.\d+",
        r"provider start-up \+ GetProviderSchema over mTLS: median [\d.]+ ms",
        r"PlanResourceChange work for one backup job: \d+ µs",
    ]
    for mode in ("terraform plan", r"terraform plan -json \(no human diff\)"):
        for what in ("backstop_backup_job", r"terraform_data \(baseline\)",
                     "terraform_data carrying the job's objects"):
            expected.append(rf"{mode}, 3 {what}: median \d+ ms \(1 runs\), [\d.]+x the baseline")
        expected.append(rf"{mode}: backstop_backup_job / terraform_data with the same objects = [\d.]+x "
                        r"\(target <= 1.3x\); / bare terraform_data = [\d.]+x")
    for what in ("backstop_backup_job", "terraform_data with the objects", r"terraform_data \(baseline\)"):
        expected.append(rf"human plan output, 3 {what}: \d+ lines, [\d.]+ per resource")
    for pattern in expected:
        assert any(re.fullmatch(f"BENCH {pattern}.*", line) for line in figures), \
            f"no figure matches {pattern!r} in:\n" + "\n".join(figures)
