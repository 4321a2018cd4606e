#!/usr/bin/env python3
"""Provider benchmarks; prints figures, asserts nothing about time. Run after
`cargo build --release --workspace`:

    .venv/bin/python acceptance-tests/provider/bench.py

1. Provider start-up plus GetProviderSchema over AutoMTLS, in ms (the Rust test client in
   provider/tests/startup_bench.rs, launched like Terraform launches the provider).
2. `terraform plan` of 200 `backstop_backup_job` against 200 built-in `terraform_data`,
   measured alternately in the same run, and their ratio (target: at most 1.5x).
"""
import pathlib
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from provider_support import REPO, Workspace  # noqa: E402

COUNT = 200
ROUNDS = 5

JOBS = f"""
provider "backstop" {{
  nfs_server = "nfs.home.arpa"
}}

resource "backstop_backup_job" "app" {{
  count             = {COUNT}
  name              = "app${{count.index}}"
  namespace         = "apps"
  schedule          = "${{count.index % 60}} 3 * * *"
  source_claim      = "app${{count.index}}-data"
  destination_claim = "app${{count.index}}-backup-host"
  mounts = {{
    data = {{ path = "/var/lib/app", sub_path = "data" }}
  }}
  colocate_with = {{ app = "app${{count.index}}" }}
}}
"""

DATA = f"""
resource "terraform_data" "app" {{
  count = {COUNT}
  input = {{
    name      = "app${{count.index}}"
    namespace = "apps"
    schedule  = "${{count.index % 60}} 3 * * *"
  }}
}}
"""


def startup_figure() -> str:
    result = subprocess.run(
        ["cargo", "test", "--release", "-q", "-p", "terraform-provider-backstop", "--test", "startup_bench",
         "--", "--ignored", "--nocapture"],
        cwd=REPO, capture_output=True, text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH")]
    if result.returncode != 0 or not lines:
        sys.exit(f"startup benchmark failed:\n{result.stdout}\n{result.stderr}")
    return "\n".join(lines)


def plan_seconds(workspace: Workspace, *extra: str) -> float:
    started = time.perf_counter()
    workspace.run("plan", "-refresh=false", "-lock=false", "-out=tfplan", *extra, timeout=600)
    return time.perf_counter() - started


def main() -> None:
    print(startup_figure())
    provider_dir = REPO / "target" / "release"
    with tempfile.TemporaryDirectory() as jobs_dir, tempfile.TemporaryDirectory() as data_dir:
        jobs = Workspace(pathlib.Path(jobs_dir), provider_dir)
        data = Workspace(pathlib.Path(data_dir), provider_dir)
        for ws, body in ((jobs, JOBS), (data, DATA)):
            ws.env.pop("TF_LOG")
            ws.env.pop("TF_LOG_PATH")
            ws.write(textwrap.dedent(body))
            plan_seconds(ws)  # warm-up: page cache, schema cache
        for label, extra in (("terraform plan", ()), ("terraform plan -json (no human diff)", ("-json",))):
            job_times, data_times = [], []
            for _ in range(ROUNDS):
                job_times.append(plan_seconds(jobs, *extra))
                data_times.append(plan_seconds(data, *extra))
            job_median, data_median = statistics.median(job_times), statistics.median(data_times)
            print(f"BENCH {label}, {COUNT} backstop_backup_job: median {job_median * 1000:.0f} ms ({ROUNDS} runs)")
            print(f"BENCH {label}, {COUNT} terraform_data:      median {data_median * 1000:.0f} ms ({ROUNDS} runs)")
            print(f"BENCH {label} ratio backstop_backup_job / terraform_data: {job_median / data_median:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
