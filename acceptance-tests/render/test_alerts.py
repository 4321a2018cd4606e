"""The rendered alert rules, proven with `promtool test rules` (promtool 2.42: every test
group needs `interval: 1m`). The rule file comes from the renderer; the test file is built
here from the inputs, never from the rendered output."""
import subprocess

import yaml

from backstop_render_support import render, require_tool

CRONJOB, NAMESPACE, PREFIX = "mailserver-backup", "mail", "Mailserver"
DAILY = "0 3 * * *"
# A daily job: longest gap 24h, plus half of it as grace -> 36h (conventions §3).
THRESHOLD_HOURS = 36
THRESHOLD = THRESHOLD_HOURS * 3600
THRESHOLD_TEXT = f"{THRESHOLD_HOURS}h"
SEL = f'namespace="{NAMESPACE}",cronjob="{CRONJOB}"'
WHO = f"Backup {CRONJOB} in {NAMESPACE}"


def rendered_alert(**extra):
    return render({"alerts": [{"cronjob_name": CRONJOB, "namespace": NAMESPACE, "schedule": DAILY, **extra}]})["alerts"][0]


def minutes(hours: float) -> int:
    return int(hours * 60)


def constant(value, hours: float) -> str:
    return f"{value}x{minutes(hours)}"


def labels(**extra):
    return {"severity": "critical", "cronjob": CRONJOB, "namespace": NAMESPACE, **extra}


def humanize_days(seconds: int) -> str:
    """Prometheus humanizeDuration for whole hours of at least one day."""
    days, rest = divmod(seconds, 86400)
    return f"{days}d {rest // 3600}h 0m 0s"


def expect(name, at_hours, alerts=()):
    return {"alertname": f"{PREFIX}{name}", "eval_time": f"{minutes(at_hours)}m", "exp_alerts": list(alerts)}


def promtool_test(tmp_path, tests):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": [rendered_alert()["rule_group"]]}))
    check = subprocess.run([require_tool("promtool"), "check", "rules", str(rules)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    spec = tmp_path / "test.yaml"
    spec.write_text(yaml.safe_dump({
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", **t} for t in tests],
    }))
    return subprocess.run([require_tool("promtool"), "test", "rules", str(spec)], capture_output=True, text=True)


def healthy_cronjob(hours: float, suspended: int = 0):
    return [
        {"series": f"kube_cronjob_info{{{SEL}}}", "values": constant(1, hours)},
        {"series": f"kube_cronjob_created{{{SEL}}}", "values": constant(0, hours)},
        {"series": f"kube_cronjob_spec_suspend{{{SEL}}}", "values": constant(suspended, hours)},
    ]


def test_a_daily_schedule_derives_a_36h_threshold_stated_in_every_summary():
    alert = rendered_alert()
    assert alert["stale_after_seconds"] == THRESHOLD
    rules = alert["rule_group"]["rules"]
    assert [r["alert"] for r in rules] == [f"{PREFIX}Backup{s}" for s in ("Stale", "NeverSucceeded", "Failed", "Missing", "Suspended")]
    for rule in rules:
        summary = rule["annotations"]["summary"]
        assert "threshold" in summary, rule["alert"]
        if rule["alert"].endswith(("Stale", "NeverSucceeded", "Suspended")):
            assert THRESHOLD_TEXT in summary, rule["alert"]
        if rule["alert"].endswith("Missing"):
            assert rule["for"] in summary, rule["alert"]
    assert alert["prometheus_rule"]["apiVersion"] == "monitoring.coreos.com/v1"
    assert alert["prometheus_rule"]["kind"] == "PrometheusRule"
    assert alert["prometheus_rule"]["spec"]["groups"] == [alert["rule_group"]]


def test_stale_after_overrides_the_schedule_and_rules_can_be_switched_off():
    alert = rendered_alert(stale_after="8d", failed=False, missing=False, suspended=False,
                           runbook_url="https://runbooks.example/backup", labels={"team": "ops"})
    assert alert["stale_after_seconds"] == 8 * 86400
    rules = alert["rule_group"]["rules"]
    assert [r["alert"] for r in rules] == [f"{PREFIX}BackupStale", f"{PREFIX}BackupNeverSucceeded"]
    for rule in rules:
        assert rule["labels"]["team"] == "ops"
        assert rule["annotations"]["runbook_url"] == "https://runbooks.example/backup"
        assert "8d" in rule["annotations"]["summary"]


def test_stale_is_silent_before_the_threshold_and_fires_after_it(tmp_path):
    age = 38 * 3600
    done = promtool_test(tmp_path, [{
        "input_series": healthy_cronjob(40) + [
            {"series": f"kube_cronjob_status_last_successful_time{{{SEL}}}", "values": constant(0, 40)},
        ],
        "alert_rule_test": [
            expect("BackupStale", THRESHOLD_HOURS),  # exactly at the threshold: not older than it
            expect("BackupStale", THRESHOLD_HOURS + 0.25),  # older, but not yet for 30m
            expect("BackupStale", 38, [{
                "exp_labels": labels(),
                "exp_annotations": {"summary": f"{WHO} last succeeded {humanize_days(age)} ago (threshold {THRESHOLD_TEXT})"},
            }]),
            expect("BackupNeverSucceeded", 38),  # it did succeed once
        ],
    }])
    assert done.returncode == 0, done.stdout + done.stderr


def test_never_succeeded_fires_while_the_success_series_is_absent_and_stops_once_present(tmp_path):
    done = promtool_test(tmp_path, [{
        "input_series": healthy_cronjob(42) + [
            # kube-state-metrics emits no success series until the first success (at 40h).
            {"series": f"kube_cronjob_status_last_successful_time{{{SEL}}}", "values": f"_x{minutes(40)} {40 * 3600}x{minutes(2)}"},
        ],
        "alert_rule_test": [
            expect("BackupNeverSucceeded", THRESHOLD_HOURS + 0.5),  # past the threshold, not yet for 1h
            expect("BackupNeverSucceeded", 38, [{
                "exp_labels": labels(),
                "exp_annotations": {"summary": f"{WHO} has never succeeded since it was created (threshold {THRESHOLD_TEXT})"},
            }]),
            expect("BackupNeverSucceeded", 41),
            expect("BackupStale", 41),
        ],
    }])
    assert done.returncode == 0, done.stdout + done.stderr


def test_never_succeeded_is_silent_while_suspended_and_suspended_fires_after_the_threshold(tmp_path):
    done = promtool_test(tmp_path, [{
        "input_series": healthy_cronjob(40, suspended=1),
        "alert_rule_test": [
            expect("BackupNeverSucceeded", 38),
            expect("BackupSuspended", THRESHOLD_HOURS - 1),
            expect("BackupSuspended", 38, [{
                "exp_labels": labels(),
                "exp_annotations": {"summary": f"{WHO} is suspended (threshold {THRESHOLD_TEXT})"},
            }]),
        ],
    }])
    assert done.returncode == 0, done.stdout + done.stderr


def job_series(job_name, owner, start, failed):
    series = [
        {"series": f'kube_job_owner{{namespace="{NAMESPACE}",job_name="{job_name}",owner_kind="CronJob",owner_name="{owner}",owner_is_controller="true"}}', "values": constant(1, 2)},
        {"series": f'kube_job_status_start_time{{namespace="{NAMESPACE}",job_name="{job_name}"}}', "values": constant(start, 2)},
    ]
    if failed:
        series.append({"series": f'kube_job_failed{{namespace="{NAMESPACE}",job_name="{job_name}",condition="true"}}', "values": constant(1, 2)})
        series.append({"series": f'kube_job_failed{{namespace="{NAMESPACE}",job_name="{job_name}",condition="false"}}', "values": constant(0, 2)})
    return series


def failed_alert(job_name):
    return {
        "exp_labels": {"severity": "critical", "cronjob": CRONJOB, "namespace": NAMESPACE, "job_name": job_name},
        "exp_annotations": {"summary": f"{WHO}: its most recent Job {job_name} failed (threshold: 1 failed run, after the Job's retries)"},
    }


def test_failed_fires_on_a_failed_job_of_this_cronjob_only(tmp_path):
    done = promtool_test(tmp_path, [
        {  # the newest job of this CronJob failed
            "input_series": job_series(f"{CRONJOB}-100", CRONJOB, 100, failed=True),
            "alert_rule_test": [expect("BackupFailed", 1, [failed_alert(f"{CRONJOB}-100")])],
        },
        {  # another CronJob's job failed, in the same namespace
            "input_series": job_series("other-backup-300", "other-backup", 300, failed=True)
            + job_series(f"{CRONJOB}-100", CRONJOB, 100, failed=False),
            "alert_rule_test": [expect("BackupFailed", 1)],
        },
        {  # an older failure followed by a success
            "input_series": job_series(f"{CRONJOB}-100", CRONJOB, 100, failed=True)
            + job_series(f"{CRONJOB}-200", CRONJOB, 200, failed=False),
            "alert_rule_test": [expect("BackupFailed", 1)],
        },
    ])
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_fires_once_the_cronjob_series_disappear(tmp_path):
    done = promtool_test(tmp_path, [{
        # The CronJob is deleted after 10h: kube-state-metrics stops exporting its series.
        "input_series": [{"series": f"kube_cronjob_info{{{SEL}}}", "values": f"{constant(1, 10)} stale"}],
        "alert_rule_test": [
            expect("BackupMissing", 9),
            expect("BackupMissing", 10.1),  # gone, but not yet for 15m
            expect("BackupMissing", 11, [{
                "exp_labels": labels(),
                "exp_annotations": {"summary": f"{WHO}: the CronJob does not exist (threshold: absent for 15m)"},
            }]),
        ],
    }])
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_would_catch_a_wrong_expectation(tmp_path):
    """The harness can fail: expecting Stale to fire before the threshold is reported."""
    done = promtool_test(tmp_path, [{
        "input_series": healthy_cronjob(40) + [
            {"series": f"kube_cronjob_status_last_successful_time{{{SEL}}}", "values": constant(0, 40)},
        ],
        "alert_rule_test": [expect("BackupStale", 30, [{"exp_labels": labels()}])],
    }])
    assert done.returncode != 0
