"""The Kubernetes objects of drills and restores. The drill's CronJob: strict schema
validation across strategies and options, the backup claim read-only, scratch in an
emptyDir, and the default schedule: weekly, in a slot after the backup that shares no
start with it. The restore Job: strict validation, the backup read-only, the target claim
read-write with the data in a folder inside it."""
import subprocess

import yaml

from backstop_render_support import render, require_tool
from test_kubernetes_validate import OPTIONS, STRATEGIES

BASE = {"name": "app", "namespace": "apps", "schedule": "0 3 * * *", "destination_claim": "app-backup-host"}


def drill(job, **test):
    return render({"restore_tests": [{"job": job, "restore_test": test}]})["restore_tests"][0]


def test_every_drill_cronjob_passes_strict_schema_validation(tmp_path):
    objects = []
    for strategy in ("rsync", "sqlite"):
        for option in [{}, *OPTIONS.values()]:
            job = {**BASE, "strategy": strategy, **STRATEGIES[strategy], **option}
            objects.append(drill(job, verify_fraction=0.5)["cronjob"])
    objects.append(drill({**BASE, "strategy": "sqlite", **STRATEGIES["sqlite"]}, schedule="15 4 * * 6",
                         check_query="SELECT count(*) FROM users", min_rows=10)["cronjob"])
    files = []
    for i, obj in enumerate(objects):
        path = tmp_path / f"drill{i}.yaml"
        path.write_text(yaml.safe_dump(obj))
        files.append(str(path))
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_pod_reads_the_backup_read_only_and_restores_into_an_emptydir():
    rendered = drill({**BASE, "strategy": "rsync", **STRATEGIES["rsync"]})
    cronjob = rendered["cronjob"]
    assert cronjob["metadata"]["name"] == "app-restore-test" == rendered["cronjob_name"]
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["command"] == ["/bin/sh", "-c", rendered["script"]]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["backup"]["persistentVolumeClaim"] == {"claimName": "app-backup-host", "readOnly": True}
    assert volumes["scratch"] == {"name": "scratch", "emptyDir": {}}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["backup"]["readOnly"] is True and mounts["backup"]["mountPath"] == "/backup"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["SCRATCH_DIR"] == mounts["scratch"]["mountPath"] and env["BACKUP_DIR"] == "/backup"
    # The source claim is not mounted at all: a drill never touches the app's data.
    assert "source" not in volumes and cronjob["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0


def starts(schedule: str) -> set[tuple[int, int, int]]:
    """(weekday, hour, minute) starts of a simple cron line (numbers, *, */n, lists)."""
    def field(text, low, high):
        values = set()
        for part in text.split(","):
            if part == "*":
                values |= set(range(low, high + 1))
            elif part.startswith("*/"):
                values |= set(range(low, high + 1, int(part[2:])))
            else:
                values.add(int(part))
        return values
    minute, hour, _, _, weekday = schedule.split()
    return {(d, h, m) for d in field(weekday, 0, 6) for h in field(hour, 0, 23) for m in field(minute, 0, 59)}


def test_the_default_schedule_is_weekly_after_the_backup_in_a_free_slot():
    for backup, first_start in (("0 3 * * *", (3, 0)), ("30 1 * * *", (1, 30)), ("0 */6 * * *", (0, 0)),
                                ("0,30 * * * *", (0, 0)), ("15 2 * * 1", (2, 15))):
        schedule = drill({**BASE, "schedule": backup, "strategy": "rsync", **STRATEGIES["rsync"]})["schedule"]
        drill_starts = starts(schedule)
        assert len(drill_starts) == 1, (backup, schedule)  # weekly
        [(weekday, hour, minute)] = drill_starts
        assert weekday == 0
        assert not drill_starts & starts(backup), (backup, schedule)
        after = (hour * 60 + minute - (first_start[0] * 60 + first_start[1])) % 1440
        assert 120 <= after < 1440, (backup, schedule)
    # A schedule set by the user is used as written and feeds the alert's threshold.
    assert drill({**BASE, "strategy": "rsync", **STRATEGIES["rsync"]}, schedule="15 4 * * 6")["schedule"] == "15 4 * * 6"


def test_a_bad_drill_schedule_is_refused_with_its_path():
    import json
    from backstop_render_support import RENDER_JSON
    spec = {"restore_tests": [{"job": {**BASE, "strategy": "rsync", **STRATEGIES["rsync"]},
                               "restore_test": {"schedule": "sundays"}}]}
    done = subprocess.run([RENDER_JSON], input=json.dumps(spec), capture_output=True, text=True)
    assert done.returncode == 1 and "restore_test.schedule" in done.stderr, done.stderr


def restore(job, **r):
    return render({"restores": [{"job": job, "restore": r}]})["restores"][0]


def test_every_restore_job_passes_strict_schema_validation(tmp_path):
    objects = []
    for strategy in ("rsync", "sqlite"):
        for option in [{}, *OPTIONS.values()]:
            job = {**BASE, "strategy": strategy, **STRATEGIES[strategy], **option}
            folder = {"folder": "data"} if strategy == "rsync" else {}
            objects.append(restore(job, target_claim="app-data-restored", overwrite=True, **folder)["job"])
    files = []
    for i, obj in enumerate(objects):
        path = tmp_path / f"restore{i}.yaml"
        path.write_text(yaml.safe_dump(obj))
        files.append(str(path))
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_restore_job_reads_the_backup_read_only_and_writes_a_folder_of_the_target():
    job = {**BASE, "strategy": "rsync", **STRATEGIES["rsync"]}
    rendered = restore(job, folder="state", target_claim="app-data", target_path="mail/state")
    pod = rendered["job"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert rendered["job"]["kind"] == "Job" and rendered["job"]["metadata"]["name"] == "app-restore"
    assert container["command"] == ["/bin/sh", "-c", rendered["script"]]
    volumes = {v["name"]: v["persistentVolumeClaim"] for v in pod["volumes"]}
    assert volumes == {"backup": {"claimName": "app-backup-host", "readOnly": True}, "target": {"claimName": "app-data"}}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    env = {e["name"]: e["value"] for e in container["env"]}
    assert mounts["backup"]["readOnly"] is True
    assert env["TARGET_DIR"] == mounts["target"]["mountPath"] + "/mail/state"
    # Without a target claim only the script is rendered; the folder defaults to the snapshot folder.
    assert restore(job, folder="state")["job"] is None
    default = restore(job, folder="state", target_claim="c")["job"]["spec"]["template"]["spec"]["containers"][0]
    assert {e["name"]: e["value"] for e in default["env"]}["TARGET_DIR"].endswith("/state")


def test_bad_target_paths_are_refused_with_their_path():
    import json
    from backstop_render_support import RENDER_JSON
    job = {**BASE, "strategy": "rsync", **STRATEGIES["rsync"]}
    for bad in ("../etc", "/abs", "a//b", "a/./b", ""):
        spec = {"restores": [{"job": job, "restore": {"folder": "data", "target_claim": "c", "target_path": bad}}]}
        done = subprocess.run([RENDER_JSON], input=json.dumps(spec), capture_output=True, text=True)
        assert done.returncode == 1 and "restore.target_path" in done.stderr, (bad, done.stderr)
