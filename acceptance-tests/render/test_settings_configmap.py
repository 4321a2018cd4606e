"""A CronJob applied without its settings ConfigMap (a stack that upgraded the provider but
applies only `manifest`): Kubernetes starts the pod (the ConfigMap is optional), and the
script stops at once, naming the ConfigMap, before it touches the destination. Real busybox."""
import subprocess

import pytest

from backstop_render_support import alpine_like_path, container_env, render_job, require_tool

JOBS = {
    "rsync": {"strategy": "rsync", "source_claim": "app-data", "mounts": {"data": {"path": "/var/lib/app"}}},
    "sqlite": {"strategy": "sqlite", "source_claim": "app-data", "mounts": {"data": {"path": "/var/lib/app"}},
               "database": "/var/lib/app/app.db"},
    "command": {"strategy": "command", "source_claim": "app-data", "mounts": {"data": {"path": "/var/lib/app"}},
                "command": 'cp -a /var/lib/app "$SNAPSHOT/"'},
    "pg_dumpall": {"strategy": "pg_dumpall", "host": "db.app", "user": "postgres",
                   "password_secret": {"name": "db", "key": "password"}},
    "mysqldump": {"strategy": "mysqldump", "host": "db.app", "user": "root",
                  "password_secret": {"name": "db", "key": "password"}},
}


@pytest.mark.parametrize("strategy", sorted(JOBS))
def test_a_cronjob_without_its_settings_stops_at_once_naming_them(strategy, tmp_path):
    job = render_job({"name": "app", "namespace": "app", "schedule": "0 3 * * *",
                      "destination_claim": "app-backup-host", **JOBS[strategy]})
    settings_name = job["settings"]["metadata"]["name"]
    assert settings_name == "app-backup-settings"
    destination = tmp_path / "backup"
    destination.mkdir()
    path = alpine_like_path(tmp_path / "bin", [])
    # What Kubernetes gives the container when only the CronJob was applied.
    env = {"PATH": path, "HOME": "/nonexistent", **container_env(job["cronjob"], []), "BACKUP_DIR": str(destination)}
    done = subprocess.run([require_tool("busybox"), "sh", "-c", job["script"]], env=env,
                                        capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert f"is not set: apply the ConfigMap {settings_name} beside the CronJob" in done.stderr
    assert list(destination.iterdir()) == [], "nothing was written"


@pytest.mark.parametrize("strategy", sorted(JOBS))
def test_every_setting_the_script_checks_is_in_the_configmap(strategy, tmp_path):
    """The ConfigMap alone (plus the pod's own BACKUP_DIR) gets the script past its checks."""
    job = render_job({"name": "app", "namespace": "app", "schedule": "0 3 * * *",
                      "destination_claim": "app-backup-host", **JOBS[strategy]})
    env = container_env(job["cronjob"], [job["settings"]])
    path = alpine_like_path(tmp_path / "bin", [])
    for name in job["settings"]["data"]:
        short = {k: v for k, v in env.items() if k != name}
        destination = tmp_path / name
        destination.mkdir()
        done = subprocess.run(
            [require_tool("busybox"), "sh", "-c", job["script"]],
            env={"PATH": path, "HOME": "/nonexistent", **short,
                 "BACKUP_DIR": str(destination)},
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and f"{name} is not set" in done.stderr, (name, done.stderr)
