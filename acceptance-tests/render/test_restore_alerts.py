"""RestoreTestFailed and RestoreTestStale, proven with `promtool test rules` (interval 1m).
Opt-in: a backup without a drill renders exactly the rules it rendered before. The
threshold is worked out here from the drill's schedule, never read from the output."""
import subprocess

import yaml

from backstop_render_support import render, require_tool

CRONJOB, DRILL, NAMESPACE, PREFIX = "mailserver-backup", "mailserver-restore-test", "mail", "Mailserver"
DRILL_SCHEDULE = "30 4 * * 0"  # weekly
# Longest gap 7 days, plus half of it capped at one day (the backup's rule) -> 8 days.
THRESHOLD_HOURS = 8 * 24
SEL = f'namespace="{NAMESPACE}",cronjob="{DRILL}"'


def rule_group(**extra):
    spec = {"cronjob_name": CRONJOB, "namespace": NAMESPACE, "schedule": "0 3 * * *", **extra}
    return render({"alerts": [spec]})["alerts"][0]


def minutes(hours: float) -> int:
    return int(hours * 60)


def expect(name, at_hours, alerts=()):
    return {"alertname": f"{PREFIX}{name}", "eval_time": f"{minutes(at_hours)}m", "exp_alerts": list(alerts)}


def promtool(tmp_path, tests):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": [rule_group(restore_test_schedule=DRILL_SCHEDULE)["rule_group"]]}))
    check = subprocess.run([require_tool("promtool"), "check", "rules", str(rules)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    spec = tmp_path / "test.yaml"
    spec.write_text(yaml.safe_dump({"rule_files": [str(rules)], "evaluation_interval": "1m",
                                    "tests": [{"interval": "1m", **t} for t in tests]}))
    done = subprocess.run([require_tool("promtool"), "test", "rules", str(spec)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_drill_rules_are_added_only_when_a_drill_exists():
    without = rule_group()
    with_drill = rule_group(restore_test_schedule=DRILL_SCHEDULE)
    names = [r["alert"] for r in with_drill["rule_group"]["rules"]]
    assert with_drill["rule_group"]["rules"][:-2] == without["rule_group"]["rules"]
    assert names[-2:] == [f"{PREFIX}RestoreTestFailed", f"{PREFIX}RestoreTestStale"]
    assert with_drill["prometheus_rule"]["spec"]["groups"] == [with_drill["rule_group"]]
    assert f"{THRESHOLD_HOURS // 24}d" in with_drill["rule_group"]["rules"][-1]["annotations"]["summary"]


def test_a_bad_drill_schedule_is_refused_with_its_path():
    import json
    from backstop_render_support import RENDER_JSON
    spec = {"alerts": [{"cronjob_name": CRONJOB, "namespace": NAMESPACE, "schedule": "0 3 * * *",
                        "restore_test_schedule": "every sunday"}]}
    done = subprocess.run([RENDER_JSON], input=json.dumps(spec), capture_output=True, text=True)
    assert done.returncode == 1 and "restore_test.schedule" in done.stderr, done.stderr


def drill_job(name, start_seconds, failed, hours):
    job = f'namespace="{NAMESPACE}",job_name="{name}"'
    return [
        {"series": f'kube_job_owner{{{job},owner_kind="CronJob",owner_name="{DRILL}"}}', "values": f"1x{minutes(hours)}"},
        {"series": f"kube_job_status_start_time{{{job}}}", "values": f"{start_seconds}x{minutes(hours)}"},
        {"series": f'kube_job_failed{{{job},condition="true"}}', "values": f"{failed}x{minutes(hours)}"},
    ]


def humanize(seconds: int) -> str:
    """Prometheus humanizeDuration for whole hours of at least one day."""
    days, rest = divmod(seconds, 86400)
    return f"{days}d {rest // 3600}h 0m 0s"


WHO = f"Restore drill {DRILL} in {NAMESPACE}"


def test_restore_test_failed_fires_on_a_failed_newest_drill_only(tmp_path):
    labels = {"severity": "critical", "cronjob": CRONJOB, "namespace": NAMESPACE, "job_name": f"{DRILL}-2"}
    summary = (f"{WHO}: its most recent Job {DRILL}-2 failed, so the newest snapshot did not restore as its "
               "manifest says (threshold: 1 failed run)")
    promtool(tmp_path, [
        # The newest drill failed after an older success: fires.
        {"input_series": drill_job(f"{DRILL}-1", 0, 0, 2) + drill_job(f"{DRILL}-2", 3600, 1, 2),
         "alert_rule_test": [expect("RestoreTestFailed", 1.5, [{"exp_labels": labels,
                                                                 "exp_annotations": {"summary": summary}}])]},
        # An older failure followed by a success: silent.
        {"input_series": drill_job(f"{DRILL}-1", 0, 1, 2) + drill_job(f"{DRILL}-2", 3600, 0, 2),
         "alert_rule_test": [expect("RestoreTestFailed", 1.5)]},
        # The backup's own failed Job is not a failed drill.
        {"input_series": [
            {"series": f'kube_job_owner{{namespace="{NAMESPACE}",job_name="b-1",owner_kind="CronJob",owner_name="{CRONJOB}"}}', "values": "1x120"},
            {"series": f'kube_job_status_start_time{{namespace="{NAMESPACE}",job_name="b-1"}}', "values": "0x120"},
            {"series": f'kube_job_failed{{namespace="{NAMESPACE}",job_name="b-1",condition="true"}}', "values": "1x120"}],
         "alert_rule_test": [expect("RestoreTestFailed", 1.5)]},
    ])


def stale(labels, at_hours):
    summary = (f"{WHO}: no restore of the backup was proven for {humanize(at_hours * 3600)} "
               f"(threshold {THRESHOLD_HOURS // 24}d)")
    return [{"exp_labels": labels, "exp_annotations": {"summary": summary}}]


def test_restore_test_stale_fires_after_the_threshold_without_a_successful_drill(tmp_path):
    hours = THRESHOLD_HOURS + 2
    created = {"series": f"kube_cronjob_created{{{SEL}}}", "values": f"0x{minutes(hours)}"}
    labels = {"severity": "critical", "cronjob": CRONJOB, "namespace": NAMESPACE}
    week = 7 * 24 * 60
    promtool(tmp_path, [
        # Last success at 0, none since: silent up to the threshold (+ for: 30m), then fires.
        {"input_series": [created, {"series": f"kube_cronjob_status_last_successful_time{{{SEL}}}",
                                    "values": f"0x{minutes(hours)}"}],
         "alert_rule_test": [expect("RestoreTestStale", THRESHOLD_HOURS - 1),
                             expect("RestoreTestStale", THRESHOLD_HOURS + 0.25),
                             expect("RestoreTestStale", THRESHOLD_HOURS + 1, stale(labels, THRESHOLD_HOURS + 1))]},
        # Never a success since the drill was created: the same threshold.
        {"input_series": [created],
         "alert_rule_test": [expect("RestoreTestStale", THRESHOLD_HOURS - 1),
                             expect("RestoreTestStale", THRESHOLD_HOURS + 1, stale(labels, THRESHOLD_HOURS + 1))]},
        # A drill that succeeds every week: silent throughout.
        {"input_series": [created, {"series": f"kube_cronjob_status_last_successful_time{{{SEL}}}",
                                    "values": f"0x{week} 604800x{week} 1209600x{week}"}],
         "alert_rule_test": [expect("RestoreTestStale", h) for h in (THRESHOLD_HOURS + 1, 2 * THRESHOLD_HOURS, 3 * 168 - 1)]},
    ])
