"""Benchmark: `backstop status` for 500 declared backups against a loopback Prometheus
(Debian's 2.42, 1 s scrape) that scrapes a real Pushgateway holding 500 groups and a
loopback kube-state-metrics endpoint with 500 CronJobs and their Jobs, with Backstop's
500 rendered rule groups loaded. Prints the wall time of `status` (target: under 1 s) and
the number of HTTP requests it made, counted by a loopback proxy in front of Prometheus,
for 10 and for 500 backups (it must not grow).

    .venv/bin/python acceptance-tests/status/bench.py [--backups 500] [--runs 5]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from backstop_status_support import MetricsEndpoint, Prometheus, Proxy, ksm_text, render_support, run_status, start_pushgateway  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
BACKSTOP = REPO / "target" / "release" / "backstop"
PER_STACK = 10


def write_repository(root: pathlib.Path, count: int) -> list[str]:
    (root / ".git").mkdir(parents=True)
    names = [f"app{i:04d}" for i in range(count)]
    for stack in range(0, count, PER_STACK):
        folder = root / "stacks" / f"stack{stack // PER_STACK:03d}"
        folder.mkdir(parents=True)
        folder.joinpath("main.tf").write_text("".join(
            f'resource "backstop_backup_job" "{name}" {{\n  name      = "{name}"\n  namespace = "ns{i % 20}"\n'
            f'  schedule  = "{i % 60} 3 * * *"\n  strategy  = "rsync"\n}}\n\n'
            for i, name in enumerate(names[stack:stack + PER_STACK], start=stack)))
    return names


def push(pushgateway_url: str, name: str, now: float):
    body = "".join(f"# TYPE {m} gauge\n{m} {v}\n" for m, v in [
        ("backup_duration_seconds", 42), ("backup_read_bytes", 1e6), ("backup_written_bytes", 2e5),
        ("backup_output_bytes", 3e6), ("backup_last_success_timestamp", int(now - 3600))])
    urllib.request.urlopen(urllib.request.Request(f"{pushgateway_url}/metrics/job/{name}-backup",
                                                  data=body.encode(), method="POST"), timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backups", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        now = time.time()
        names = write_repository(tmp / "repo", args.backups)
        namespace = {name: f"ns{i % 20}" for i, name in enumerate(names)}
        rendered = render_support.render({"alerts": [
            {"cronjob_name": f"{n}-backup", "namespace": namespace[n], "schedule": f"{i % 60} 3 * * *"}
            for i, n in enumerate(names)]})["alerts"]
        rules = tmp / "rules.yml"
        rules.write_text(json.dumps({"groups": [a["rule_group"] for a in rendered]}))
        pushgateway, pushgateway_url = start_pushgateway(tmp)
        ksm = MetricsEndpoint()
        prometheus = None
        try:
            for name in names:
                push(pushgateway_url, name, now)
            ksm.text = ksm_text(
                [{"namespace": namespace[n], "cronjob": f"{n}-backup", "created": int(now - 86400 * 10),
                  "last_success": int(now - 3600)} for n in names],
                [{"namespace": namespace[n], "job_name": f"{n}-backup-1", "owner": f"{n}-backup",
                  "start": int(now - 3700), "failed": False} for n in names])
            prometheus = Prometheus(tmp / "prometheus", {
                "kube-state-metrics": {"target": ksm.address},
                "pushgateway": {"target": pushgateway_url.removeprefix("http://"), "honor_labels": True}}, [rules])
            prometheus.wait_for(lambda: len(prometheus.query("kube_cronjob_info")) == len(names)
                                and len(prometheus.query("backup_output_bytes")) == len(names)
                                and len(prometheus.get("/api/v1/rules")["groups"]) == len(names),
                                "to hold every series and rule group", timeout=120)
            repo = tmp / "repo"
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                done = run_status(BACKSTOP, repo, prometheus.url, "--format", "json")
                times.append(time.perf_counter() - started)
                report = json.loads(done.stdout)
                assert len(report["backups"]) == len(names), done.stderr
                assert all(b["state"] == "healthy" for b in report["backups"]), done.stdout[:2000]
            proxy = Proxy(prometheus)
            counts = {}
            for label, paths in [("10 backups", [str(repo / "stacks" / "stack000")]), (f"{len(names)} backups", None)]:
                proxy.count = 0
                done = run_status(BACKSTOP, repo, proxy.url, "--format", "json", paths=paths)
                counts[label] = (proxy.count, json.loads(done.stdout)["requests"])
            proxy.close()
            print(f"backstop status, {len(names)} declared backups, Prometheus 2.42 on loopback:")
            print(f"  wall time over {args.runs} runs: median {statistics.median(times) * 1000:.0f} ms, "
                  f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (target < 1000 ms)")
            for label, (proxied, reported) in counts.items():
                print(f"  HTTP requests for {label}: {proxied} seen by the proxy ({reported} reported by status)")
        finally:
            if prometheus:
                prometheus.stop()
            ksm.close()
            pushgateway.terminate()
            pushgateway.wait(timeout=10)


if __name__ == "__main__":
    main()
