"""The rendered `command` script under `busybox sh`: the user's command (from the settings
ConfigMap, which the CronJob's container reads whole with `envFrom`) fills $SNAPSHOT; the folder gets its stamp name only
if the command succeeded, and a failing command leaves nothing and pushes nothing."""
import pytest

from backstop_render_support import alpine_like_path, container_env, free_port, render_job, run_script

STAMP_GLOB = "[0-9]" * 8 + "-" + "[0-9]" * 6


@pytest.fixture
def app(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.yaml").write_text("key: value\n")
    backup = tmp_path / "backup"
    backup.mkdir()
    command = 'tar -C "$SOURCE" -cf "$SNAPSHOT/data.tar" . && test -s "$SNAPSHOT/data.tar"'
    job = render_job({
        "name": "app", "namespace": "apps", "schedule": "@daily", "strategy": "command",
        "source_claim": "app-data", "destination_claim": "app-backup-host",
        "mounts": {"data": {"path": str(data)}}, "command": command,
    })
    # The command is a setting: in the ConfigMap, not in the CronJob's own env.
    assert job["settings"]["data"]["BACKUP_COMMAND"] == command
    env_list = job["cronjob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert "BACKUP_COMMAND" not in {e["name"] for e in env_list}
    env = container_env(job["cronjob"], [job["settings"]])
    assert env["BACKUP_COMMAND"] == command
    return data, backup, job, env, alpine_like_path(tmp_path / "bin", [])


def test_the_command_fills_the_snapshot(app, pushgateway):
    data, backup, job, env, path = app
    done = run_script(job["script"], path, {**env, "BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "SOURCE": str(data)})
    assert done.returncode == 0, done.stderr
    [snapshot] = list(backup.glob(STAMP_GLOB))
    assert (snapshot / "data.tar").stat().st_size > 0
    assert pushgateway.metrics("app-backup")["backup_output_bytes"] >= (snapshot / "data.tar").stat().st_size


def test_a_failing_command_leaves_nothing_and_pushes_nothing(app, pushgateway):
    data, backup, job, env, path = app
    done = run_script(job["script"], path, {**env, "BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "SOURCE": str(data / "missing")})
    assert done.returncode != 0
    assert list(backup.iterdir()) == []
    assert pushgateway.metrics("app-backup") == {}


def test_a_push_failure_after_a_good_backup_warns_but_keeps_the_backup(app):
    """Decided: the snapshot is good, so the Job succeeds (a retry would redo the backup);
    the lost push is reported on stderr. Staleness alerts read kube-state-metrics."""
    data, backup, job, env, path = app
    closed = f"http://127.0.0.1:{free_port()}"
    done = run_script(job["script"], path, {**env, "BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": closed, "SOURCE": str(data)})
    assert done.returncode == 0, done.stderr
    assert "pushing metrics" in done.stderr and "failed" in done.stderr
    assert len(list(backup.glob(STAMP_GLOB))) == 1
