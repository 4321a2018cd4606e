"""A job's settings reach its script only through the ConfigMap its container reads with
`envFrom`: two jobs that differ in `keep` render the same script and the same CronJob, and
the retention each applies under busybox is the one its ConfigMap holds (the environment
built as Kubernetes builds it, `container_env`)."""
import pytest

from backstop_render_support import alpine_like_path, container_env, render, run_script

WEEKS = ["2026-04-06 03:00:00", "2026-04-13 03:00:00", "2026-04-20 03:00:00"]  # ISO weeks 15, 16, 17


def jobs(source, keeps):
    base = {"namespace": "mail", "schedule": "0 3 * * *", "strategy": "rsync", "source_claim": "mail-data",
            "destination_claim": "mail-backup-host", "mounts": {"data": {"path": str(source)}}}
    # One name for both: only `keep` differs.
    return [render({"jobs": [{"name": "mail", **base, "keep": keep}]})["jobs"][0] for keep in keeps]


def test_a_keep_change_is_the_config_maps_alone_and_the_script_obeys_it(tmp_path, pushgateway):
    source = tmp_path / "source"
    source.mkdir()
    for i in range(5):
        (source / f"f{i}.txt").write_text(f"file {i}\n" * 50)
    one, three = jobs(source, [1, 3])
    assert one["script"] == three["script"] and one["cronjob"] == three["cronjob"]
    changed = {k for k in one["settings"]["data"].keys() | three["settings"]["data"].keys()
               if one["settings"]["data"].get(k) != three["settings"]["data"].get(k)}
    assert changed == {"KEEP_WEEKS"}

    path = alpine_like_path(tmp_path / "bin", ["rsync"])
    kept = {}
    for name, job in (("one", one), ("three", three)):
        backup = tmp_path / f"backup-{name}"
        backup.mkdir()
        env = {**container_env(job["cronjob"], [job["settings"]]), "BACKUP_DIR": str(backup),
               "PUSHGATEWAY_URL": pushgateway.url, "TZ": "UTC"}
        for fake in WEEKS:
            done = run_script(job["script"], path, env, faketime=fake)
            assert done.returncode == 0, done.stderr
        kept[name] = sorted(p.name for p in backup.iterdir() if not p.name.startswith("."))
    assert kept == {"one": ["2026-17"], "three": ["2026-15", "2026-16", "2026-17"]}


def test_a_script_shared_by_jobs_with_other_settings_runs_only_with_its_settings_said(tmp_path):
    """The harness cannot tell from the script which of the two jobs runs: it refuses to guess."""
    source = tmp_path / "source"
    one, _ = jobs(source, [1, 3])
    with pytest.raises(pytest.fail.Exception, match="KEEP_WEEKS"):
        run_script(one["script"], str(tmp_path), {"BACKUP_DIR": str(tmp_path)})
