"""One cluster stand-in for every status test (package scope: Prometheus starts once):
a repository declaring test backups, their rendered scripts run under busybox against a
real Pushgateway, kube-state-metrics series served on loopback, Backstop's rendered rules
loaded into a real Prometheus behind TLS (a test CA) and basic auth."""
import json
import time

import pytest

from backstop_status_support import MetricsEndpoint, Prometheus, ksm_text, make_tls, render_support, start_pushgateway

from status_cases import BACKUPS, DAILY, NAMESPACE, PASSWORD, UNDECLARED, USER


def backstop_job_hcl(label: str, name_expr: str, schedule_expr: str, namespace_expr: str) -> str:
    return f'''resource "backstop_backup_job" "{label}" {{
  name              = {name_expr}
  namespace         = {namespace_expr}
  schedule          = {schedule_expr}
  strategy          = "rsync"
  source_claim      = "{label}-data"
  mounts            = {{ data = {{ path = "/data" }} }}
  destination_claim = "{label}-backup-nfs"
}}
'''


def write_repository(root):
    """The declared side, in the three forms the linter reads; returns name -> file:line."""
    (root / ".git").mkdir(parents=True)
    where = {}
    apps = root / "stacks" / "apps"
    apps.mkdir(parents=True)
    text = ""
    for name, b in BACKUPS.items():
        if b["declared"] != "resource":
            continue
        where[name] = f"stacks/apps/main.tf:{text.count(chr(10)) + 1}"
        text += backstop_job_hcl(name, f'"{name}"', f'"{b["schedule"]}"', f'"{NAMESPACE}"') + "\n"
        if "stale_after" in b:
            text += (f'resource "backstop_backup_alert" "{name}" {{\n'
                     f'  cronjob_name = backstop_backup_job.{name}.cronjob_name\n'
                     f'  namespace    = "{NAMESPACE}"\n  stale_after  = "{b["stale_after"]}"\n}}\n\n')
    (apps / "main.tf").write_text(text)

    module = root / "modules" / "app"
    module.mkdir(parents=True)
    header = 'variable "name" {}\nvariable "namespace" {}\nvariable "schedule" {}\n\n'
    (module / "main.tf").write_text(header + backstop_job_hcl("this", "var.name", "var.schedule", "var.namespace"))
    golf = root / "stacks" / "golf"
    golf.mkdir(parents=True)
    (golf / "main.tf").write_text(
        f'# the golf app\nmodule "golf" {{\n  source    = "../../modules/app"\n  name      = "golf"\n'
        f'  namespace = "{NAMESPACE}"\n  schedule  = "{BACKUPS["golf"]["schedule"]}"\n}}\n')
    where["golf"] = "modules/app/main.tf:5"
    where["golf_via"] = "stacks/golf/main.tf:2"

    india = root / "stacks" / "india"
    india.mkdir(parents=True)
    (india / "cron.tf").write_text(f'''locals {{
  app = "india"
}}

resource "kubernetes_cron_job_v1" "backup" {{
  metadata {{
    name      = "${{local.app}}-backup"
    namespace = "{NAMESPACE}"
  }}
  spec {{
    schedule = "{BACKUPS["india"]["schedule"]}"
    job_template {{
      metadata {{}}
      spec {{
        template {{
          metadata {{}}
          spec {{
            container {{
              name    = "backup"
              image   = "alpine:3.22"
              command = ["/bin/sh", "-c", "tar czf /backup/india.tgz /data"]
              volume_mount {{
                name       = "backup"
                mount_path = "/backup"
              }}
            }}
            volume {{
              name = "backup"
              nfs {{
                server = "nas.lan"
                path   = "/srv/nfs/india"
              }}
            }}
          }}
        }}
      }}
    }}
  }}
}}
''')
    where["india"] = "stacks/india/cron.tf:5"

    # A backup whose name the linter cannot resolve (a variable without a value): "not checked".
    kilo = root / "stacks" / "kilo"
    kilo.mkdir(parents=True)
    (kilo / "main.tf").write_text('variable "app" {}\n\n' + backstop_job_hcl("kilo", "var.app", f'"{DAILY}"', f'"{NAMESPACE}"'))
    where["kilo"] = "stacks/kilo/main.tf:3"
    # A file that does not parse: "not checked" too, with the line of the error.
    lima = root / "stacks" / "lima"
    lima.mkdir(parents=True)
    (lima / "main.tf").write_text('resource "backstop_backup_job" "lima" {\n  name = "lima"\n  schedule = \n}\n')
    return where


def run_backup(tmp, name, pushgateway_url, faketime=None):
    """Runs the backup's rendered rsync script as its CronJob would; it pushes its figures."""
    job = render_support.render_job({
        "name": name, "namespace": NAMESPACE, "schedule": BACKUPS[name]["schedule"], "strategy": "rsync",
        "source_claim": f"{name}-data", "destination_claim": f"{name}-backup-nfs",
        "mounts": {"data": {"path": str(tmp / name / "source"), "sub_path": "data"}},
    })
    source = tmp / name / "source"
    source.mkdir(parents=True)
    for i in range(20):
        (source / f"file{i}.txt").write_text(f"{name} {i}\n" * (100 * (i + 1)))
    (tmp / name / "backup").mkdir()
    path = render_support.alpine_like_path(tmp / name / "bin", ["rsync"])
    env = {"BACKUP_DIR": str(tmp / name / "backup"), "PUSHGATEWAY_URL": pushgateway_url, "TZ": "UTC"}
    done = render_support.run_script(job["script"], path, env, faketime=faketime)
    assert done.returncode == 0, done.stderr
    return job


@pytest.fixture(scope="package")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("status")
    now = time.time()
    repo = tmp / "repo"
    where = write_repository(repo)

    rendered = render_support.render({"alerts": [
        {"cronjob_name": f"{name}-backup", "namespace": NAMESPACE, "schedule": b["schedule"],
         **({"stale_after": b["stale_after"]} if "stale_after" in b else {})}
        for name, b in BACKUPS.items()
    ]})["alerts"]
    thresholds = {name: a["stale_after_seconds"] for name, a in zip(BACKUPS, rendered)}
    rules = tmp / "backstop-rules.yml"
    # golf's rules are left out: "rules not loaded".
    rules.write_text(json.dumps({"groups": [a["rule_group"] for name, a in zip(BACKUPS, rendered) if name != "golf"]}))

    pushgateway, pushgateway_url = start_pushgateway(tmp)
    hours = 3600
    bravo_success = int(now - 2 * thresholds["bravo"])
    for name, b in BACKUPS.items():
        if b["run"]:
            fake = None
            if name == "bravo":
                fake = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(bravo_success))
            run_backup(tmp / "runs", name, pushgateway_url, faketime=fake)
    # A passed restore drill of alpha, pushed as a drill pushes it (busybox wget, text format).
    drill_time = int(now - 50 * hours)
    done = render_support.run_script(
        f'wget -q -O /dev/null --post-data "backup_restore_test_last_success_timestamp {drill_time}\n" '
        f'"{pushgateway_url}/metrics/job/alpha-backup"',
        render_support.alpine_like_path(tmp / "drill-bin", []), {})
    assert done.returncode == 0, done.stderr

    def cj(name, **extra):
        return {"namespace": NAMESPACE, "cronjob": f"{name}-backup", "created": int(now - 10 * 24 * hours), **extra}

    cronjobs = [
        cj("alpha", last_success=int(now - 1 * hours)),
        cj("bravo", last_success=bravo_success),
        cj("charlie", created=int(now - 5 * 24 * hours)),
        cj("echo", suspend=True, last_success=int(now - 2 * hours)),
        cj("foxtrot", last_success=int(now - 20 * hours)),
        cj("golf", last_success=int(now - 3 * hours)),
        cj("india", last_success=int(now - 4 * hours)),
        {"namespace": UNDECLARED[0], "cronjob": UNDECLARED[1], "created": int(now - 24 * hours),
         "last_success": int(now - 2 * hours)},
        {"namespace": NAMESPACE, "cronjob": "cleanup", "created": int(now - 24 * hours)},
    ]

    def job(owner, number, start, failed):
        return {"namespace": NAMESPACE, "job_name": f"{owner}-{number}", "owner": owner, "start": int(start), "failed": failed}

    jobs = [
        # alpha: an older Job failed, the newest succeeded -> healthy.
        job("alpha-backup", 100, now - 49 * hours, True),
        job("alpha-backup", 200, now - 1 * hours - 60, False),
        # foxtrot: an older Job succeeded, the newest failed.
        job("foxtrot-backup", 100, now - 20 * hours - 60, False),
        job("foxtrot-backup", 200, now - 1 * hours, True),
        job("golf-backup", 100, now - 3 * hours - 60, False),
    ]
    ksm = MetricsEndpoint()
    ksm.text = ksm_text(cronjobs, jobs)
    scrape = {"kube-state-metrics": {"target": ksm.address},
              "pushgateway": {"target": pushgateway_url.removeprefix("http://"), "honor_labels": True}}
    tls = make_tls(tmp / "tls")
    prometheus = Prometheus(tmp / "prometheus", scrape, [rules], auth=(USER, PASSWORD), tls=tls)
    auth_file = tmp / "basic-auth"
    auth_file.write_text(f"{USER}:{PASSWORD}\n")
    try:
        # Both targets scraped, every rule group evaluated once (FoxtrotBackupFailed has no
        # `for`, so it fires at the first evaluation after the series arrive).
        prometheus.wait_for(lambda: len(prometheus.query("kube_cronjob_info")) == len(cronjobs)
                            and prometheus.query("backup_duration_seconds{job=\"golf-backup\"}"),
                            "to scrape both targets")
        prometheus.wait_for(lambda: any(a["labels"]["alertname"] == "FoxtrotBackupFailed" and a["state"] == "firing"
                                        for a in prometheus.get("/api/v1/alerts")["alerts"]),
                            "to fire FoxtrotBackupFailed")
        yield {
            "repo": repo, "where": where, "prometheus": prometheus, "auth_file": auth_file,
            "thresholds": thresholds, "pushgateway_url": pushgateway_url, "now": now,
            "drill_time": drill_time, "ksm": ksm, "pushgateway_target": scrape["pushgateway"],
            "ksm_target": scrape["kube-state-metrics"], "tmp": tmp, "ca": tls["ca"],
        }
    finally:
        prometheus.stop()
        ksm.close()
        pushgateway.terminate()
        pushgateway.wait(timeout=10)
