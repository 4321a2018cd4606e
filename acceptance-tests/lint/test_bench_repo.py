"""The benchmark's generated repository is linted correctly: the figures `bench.py`
prints are only worth something if the run they time finds what it should.

Speed is a benchmark, not a test: `python acceptance-tests/lint/bench.py` prints the
cold time for 500 stacks / 5,000 files and the ratio to checkov on the same repository.
"""
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench  # noqa: E402


def test_the_benchmark_repository_yields_exactly_its_planted_findings(backstop_bin, tmp_path):
    files = bench.make_repo(tmp_path, 500)
    assert files >= 5000
    result = subprocess.run(
        [str(backstop_bin), "lint", "--format", "json", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    # Every tenth generated stack lacks its backup: exactly 50 BS001 findings, one per stack.
    assert [f["code"] for f in findings] == ["BS001"] * 50
    assert len({f["file"] for f in findings}) == 50
