#!/usr/bin/env python3
"""Provider benchmarks; prints figures, asserts nothing about time. Run after
`cargo build --release --workspace`:

    .venv/bin/python acceptance-tests/provider/provider_bench.py [--count 200] [--rounds 5]

1. Provider start-up plus GetProviderSchema over AutoMTLS, in ms (the Rust test client in
   provider/tests/startup_bench.rs, launched like Terraform launches the provider).
2. `terraform plan` of 200 `backstop_backup_job` against 200 `terraform_data` carrying the
   same objects (the CronJob and the settings ConfigMap; target: at most 1.3x) and against
   bare `terraform_data` (the baseline), measured alternately in the same run, human and
   `-json` output.
3. Lines of human plan output per resource, jobs against the object-carrying control.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from provider_support import REPO, Workspace, require_tool  # noqa: E402


def jobs_config(count: int) -> str:
    return f"""
provider "backstop" {{
  nfs_server = "nfs.home.arpa"
}}

resource "backstop_backup_job" "app" {{
  count             = {count}
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


def payload_config(count: int) -> str:
    """`rendered.json` is written by main() from the jobs' own plan."""
    return f"""
locals {{
  rendered = jsondecode(file("${{path.module}}/rendered.json"))
}}

resource "terraform_data" "app" {{
  count = {count}
  input = merge(local.rendered, {{ name = "app${{count.index}}" }})
}}
"""


def data_config(count: int) -> str:
    return f"""
resource "terraform_data" "app" {{
  count = {count}
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
         "--", "--ignored", "--nocapture", "--test-threads=1"],
        cwd=REPO, capture_output=True, text=True,
    )
    # The test harness prints progress dots on the same lines.
    lines = [line[line.index("BENCH"):] for line in result.stdout.splitlines() if "BENCH" in line]
    if result.returncode != 0 or not lines:
        sys.exit(f"startup benchmark failed:\n{result.stdout}\n{result.stderr}")
    return "\n".join(lines)


def plan_seconds(workspace: Workspace, *extra: str) -> float:
    started = time.perf_counter()
    workspace.run("plan", "-refresh=false", "-lock=false", "-out=tfplan", *extra, timeout=600)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="resources per configuration")
    parser.add_argument("--rounds", type=int, default=5, help="plans per configuration and output mode")
    args = parser.parse_args()
    print(startup_figure())
    print("BENCH with " + subprocess.run([require_tool("terraform"), "version"], capture_output=True,
                                         text=True).stdout.splitlines()[0])
    provider_dir = REPO / "target" / "release"
    with tempfile.TemporaryDirectory() as root:
        workspaces = {}
        bodies = (
            ("jobs", jobs_config(args.count)),
            ("data", data_config(args.count)),
            ("objects_only", payload_config(args.count)),
        )
        for name, body in bodies:
            (pathlib.Path(root) / name).mkdir()
            ws = workspaces[name] = Workspace(pathlib.Path(root) / name, provider_dir)
            ws.env.pop("TF_LOG")
            ws.env.pop("TF_LOG_PATH")
            ws.write(textwrap.dedent(body))
        jobs = workspaces["jobs"]
        after = jobs.show_plan()["resource_changes"][0]["change"]["after"]
        # The control carries every object the job holds, by the same attribute names.
        objects = {name: after[name] for name in ("manifest", "config_map_manifest")}
        (workspaces["objects_only"].path / "rendered.json").write_text(json.dumps(objects))
        for ws in workspaces.values():
            plan_seconds(ws)  # warm-up: page cache, schema cache
        lines = {name: len(ws.run("plan", "-refresh=false", "-lock=false", "-no-color").stdout.splitlines())
                 for name, ws in workspaces.items()}
        for name, what in (("jobs", "backstop_backup_job"), ("objects_only", "terraform_data with the objects"),
                           ("data", "terraform_data (baseline)")):
            print(f"BENCH human plan output, {args.count} {what}: {lines[name]} lines, "
                  f"{lines[name] / args.count:.1f} per resource")
        for label, extra in (("terraform plan", ()), ("terraform plan -json (no human diff)", ("-json",))):
            times = {name: [] for name in workspaces}
            for _ in range(args.rounds):
                for name, ws in workspaces.items():
                    times[name].append(plan_seconds(ws, *extra))
            median = {name: statistics.median(t) for name, t in times.items()}
            base = median["data"]
            for name, what in (
                ("jobs", "backstop_backup_job"),
                ("data", "terraform_data (baseline)"),
                ("objects_only", "terraform_data carrying the job's objects"),
            ):
                print(f"BENCH {label}, {args.count} {what}: median {median[name] * 1000:.0f} ms "
                      f"({args.rounds} runs), {median[name] / base:.2f}x the baseline")
            print(f"BENCH {label}: backstop_backup_job / terraform_data with the same objects = "
                  f"{median['jobs'] / median['objects_only']:.2f}x (target <= 1.3x); "
                  f"/ bare terraform_data = {median['jobs'] / base:.2f}x")


if __name__ == "__main__":
    main()
