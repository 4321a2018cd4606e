"""`backstop status` against a real Prometheus: each declared backup reported in exactly
its state, figures that agree with their sources, the exit codes, auth and errors."""
import json
import urllib.request

import pytest

from backstop_status_support import Prometheus, Proxy, run_status
from status_cases import BACKUPS, NAMESPACE, PASSWORD, UNDECLARED, USER


def status_json(backstop_bin, cluster, *extra, paths=None):
    done = run_status(backstop_bin, cluster["repo"], cluster["prometheus"].url, *credentials(cluster),
                      "--format", "json", *extra, paths=paths)
    assert done.returncode in (0, 1), done.stderr
    return done, json.loads(done.stdout)


def credentials(cluster):
    return ["--basic-auth-file", str(cluster["auth_file"]), "--ca-file", str(cluster["ca"])]


def pushed(cluster, job):
    """The figures the Pushgateway holds for group `job`, read from the Pushgateway itself."""
    text = urllib.request.urlopen(f"{cluster['pushgateway_url']}/metrics", timeout=5).read().decode()
    samples = {}
    for line in text.splitlines():
        if not line.startswith("#") and f'job="{job}"' in line:
            samples[line.split("{", 1)[0]] = float(line.rsplit(" ", 1)[1])
    return samples


def test_each_backup_is_reported_in_exactly_its_state(backstop_bin, cluster):
    done, report = status_json(backstop_bin, cluster)
    assert done.returncode == 1  # something is unhealthy
    states = {b["cronjob"]: b["state"] for b in report["backups"]}
    assert states == {f"{name}-backup": b["state"] for name, b in BACKUPS.items()}
    assert all(b["namespace"] == NAMESPACE for b in report["backups"])
    problems = {b["cronjob"]: b["problems"] for b in report["backups"]}
    # One problem each, except foxtrot, whose failed Job also fires its BackupFailed alert.
    for name, b in BACKUPS.items():
        expected = [] if b["state"] == "healthy" else [b["state"]]
        if name == "foxtrot":
            expected.append("alerts firing")
        assert problems[f"{name}-backup"] == expected, name
    # The undeclared backup-like CronJob, and not the `cleanup` CronJob that is no backup.
    assert report["declared_nowhere"] == [
        {"namespace": UNDECLARED[0], "cronjob": UNDECLARED[1], "state": "declared nowhere"}]
    assert report["healthy"] is False
    not_checked = {u["declared_at"].split(":")[0]: u for u in report["not_checked"]}
    assert not_checked.keys() == {"stacks/kilo/main.tf", "stacks/lima/main.tf"}
    assert not_checked["stacks/kilo/main.tf"]["declared_at"] == cluster["where"]["kilo"]
    assert "does not parse" in not_checked["stacks/lima/main.tf"]["reason"]


def test_where_each_backup_is_declared(backstop_bin, cluster):
    _, report = status_json(backstop_bin, cluster)
    where = cluster["where"]
    by_name = {b["cronjob"]: b for b in report["backups"]}
    for name in BACKUPS:
        assert by_name[f"{name}-backup"]["declared_at"] == where[name], name
    assert by_name["golf-backup"]["module_call"] == where["golf_via"]
    assert by_name["alpha-backup"]["module_call"] is None


def test_thresholds_are_the_rendered_alerts(backstop_bin, cluster):
    _, report = status_json(backstop_bin, cluster)
    for b in report["backups"]:
        name = b["cronjob"].removesuffix("-backup")
        assert b["stale_after_seconds"] == cluster["thresholds"][name], name
    assert cluster["thresholds"]["bravo"] < cluster["thresholds"]["charlie"]  # the schedule matters
    assert cluster["thresholds"]["alpha"] == 3 * 86400  # and the alert's own stale_after wins


def test_figures_agree_with_their_sources(backstop_bin, cluster):
    _, report = status_json(backstop_bin, cluster)
    by_name = {b["cronjob"]: b for b in report["backups"]}
    for name, b in BACKUPS.items():
        last_run = by_name[f"{name}-backup"]["last_run"]
        if b["run"]:
            source = pushed(cluster, f"{name}-backup")
            assert last_run == {metric: source[metric] for metric in last_run}, name
            assert source["backup_output_bytes"] > 0 and source["backup_duration_seconds"] >= 0
        else:
            assert last_run is None, name
    alpha = by_name["alpha-backup"]
    assert alpha["newest_job"]["name"] == "alpha-backup-200" and alpha["newest_job"]["failed"] is False
    assert by_name["foxtrot-backup"]["newest_job"]["name"] == "foxtrot-backup-200"
    assert by_name["foxtrot-backup"]["newest_job"]["failed"] is True
    # Ages are measured now: within a minute of what the test served.
    assert abs(alpha["last_success_age_seconds"] - 3600) < 60
    assert abs(alpha["restore_drill_age_seconds"] - (cluster["now"] - cluster["drill_time"])) < 60
    assert by_name["bravo-backup"]["restore_drill_age_seconds"] is None
    assert by_name["echo-backup"]["suspended"] is True and by_name["alpha-backup"]["suspended"] is False
    assert by_name["delta-backup"]["cronjob_seen"] is False and by_name["delta-backup"]["suspended"] is None
    assert by_name["charlie-backup"]["last_success"] is None
    assert abs(by_name["charlie-backup"]["created_age_seconds"] - 5 * 86400) < 60
    # Rules: the five rendered ones wherever loaded, none for golf; only foxtrot's fires.
    assert sorted(by_name["alpha-backup"]["rules_loaded"]) == sorted(
        f"Alpha{kind}" for kind in ["BackupStale", "BackupNeverSucceeded", "BackupFailed", "BackupMissing", "BackupSuspended"])
    assert by_name["golf-backup"]["rules_loaded"] == []
    assert {b["cronjob"]: b["firing"] for b in report["backups"] if b["firing"]} == {"foxtrot-backup": ["FoxtrotBackupFailed"]}


def test_human_report(backstop_bin, cluster):
    done = run_status(backstop_bin, cluster["repo"], cluster["prometheus"].url, *credentials(cluster))
    assert done.returncode == 1, done.stderr
    out = done.stdout
    for name, b in BACKUPS.items():
        assert f"\n{NAMESPACE}/{name}-backup  {b['state']}\n" in out
        assert f"  declared   {cluster['where'][name]}" in out
    assert f"\n{UNDECLARED[0]}/{UNDECLARED[1]}  declared nowhere\n" in out
    assert "cleanup" not in out
    assert "\n  last run   pushed " in out and "\n  last run   no metrics pushed\n" in out
    assert "\n  success    unknown without the CronJob" in out
    assert f"\nnot checked: the backup at {cluster['where']['kilo']}: " in out
    assert "module call at stacks/golf/main.tf:2" in out
    assert "8 backups: 2 healthy, 6 unhealthy; 1 declared nowhere" in out
    assert out.startswith(f"Prometheus {cluster['prometheus'].url} (")


def test_paths_limit_the_report_not_what_counts_as_declared(backstop_bin, cluster):
    repo = cluster["repo"]
    done, report = status_json(backstop_bin, cluster, paths=[str(repo / "stacks" / "india")])
    assert [b["cronjob"] for b in report["backups"]] == ["india-backup"]
    assert report["backups"][0]["state"] == "healthy"
    # alpha..golf are declared elsewhere in the repository: still not "declared nowhere".
    assert [d["cronjob"] for d in report["declared_nowhere"]] == [UNDECLARED[1]]
    assert done.returncode == 1


def test_all_healthy_exits_0(backstop_bin, cluster, tmp_path):
    """A repository declaring only the healthy backups, and the undeclared one too."""
    repo = cluster["repo"]
    done, report = status_json(backstop_bin, cluster, paths=[str(repo / "stacks" / "india")])
    assert done.returncode == 1  # hotel-backup runs undeclared
    hotel = repo / "stacks" / "hotel"
    hotel.mkdir()
    try:
        (hotel / "main.tf").write_text(
            'resource "backstop_backup_job" "hotel" {\n  name      = "hotel"\n  namespace = "other"\n'
            '  schedule  = "0 3 * * *"\n}\n')
        done, report = status_json(backstop_bin, cluster, paths=[str(repo / "stacks" / "india")])
        assert report["declared_nowhere"] == []
        assert done.returncode == 0, done.stdout
    finally:
        (hotel / "main.tf").unlink()
        hotel.rmdir()


def test_wrong_password_is_unauthorized(backstop_bin, cluster, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text(f"{USER}:not-{PASSWORD}\n")
    url = cluster["prometheus"].url
    ca = ["--ca-file", str(cluster["ca"])]
    done = run_status(backstop_bin, cluster["repo"], url, "--basic-auth-file", str(wrong), *ca)
    assert done.returncode == 2
    assert done.stdout == ""
    assert url in done.stderr and "unauthorized" in done.stderr
    done = run_status(backstop_bin, cluster["repo"], url, *ca)  # no credentials at all
    assert done.returncode == 2 and "unauthorized" in done.stderr


def test_bearer_token(backstop_bin, cluster, tmp_path):
    """Through a proxy that admits only a bearer token: the report with the right token,
    exit 2 "unauthorized" with a wrong one."""
    proxy = Proxy(cluster["prometheus"], bearer_token="t0ken")
    try:
        token = tmp_path / "token"
        token.write_text("t0ken\n")
        done = run_status(backstop_bin, cluster["repo"], proxy.url, "--bearer-token-file", str(token), "--format", "json")
        assert done.returncode == 1, done.stderr
        assert {b["cronjob"]: b["state"] for b in json.loads(done.stdout)["backups"]} == {
            f"{name}-backup": b["state"] for name, b in BACKUPS.items()}
        token.write_text("wrong\n")
        done = run_status(backstop_bin, cluster["repo"], proxy.url, "--bearer-token-file", str(token))
        assert done.returncode == 2 and proxy.url in done.stderr and "unauthorized" in done.stderr
    finally:
        proxy.close()


def test_tls_needs_the_ca(backstop_bin, cluster, tmp_path):
    """Prometheus serves TLS with a certificate of a test CA the system does not trust."""
    url = cluster["prometheus"].url
    assert url.startswith("https://")
    done = run_status(backstop_bin, cluster["repo"], url, "--basic-auth-file", str(cluster["auth_file"]))
    assert done.returncode == 2 and done.stdout == ""
    # OpenSSL's verify result for a certificate whose issuer is not trusted.
    assert url in done.stderr and "unable to get local issuer certificate" in done.stderr and "--ca-file" in done.stderr
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("not a certificate\n")
    done = run_status(backstop_bin, cluster["repo"], url, "--ca-file", str(not_pem))
    assert done.returncode == 2 and "--ca-file" in done.stderr


def test_usage_errors_exit_2(backstop_bin, cluster, tmp_path):
    repo, url = cluster["repo"], cluster["prometheus"].url
    for extra, message in [
        (["--timeout", "10"], "--timeout"),
        (["--basic-auth-file", str(cluster["auth_file"]), "--bearer-token-file", str(cluster["auth_file"])], "cannot be used with"),
        (["--basic-auth-file", str(tmp_path / "absent")], "--basic-auth-file"),
        (["--ca-file", str(tmp_path / "absent")], "--ca-file"),
    ]:
        done = run_status(backstop_bin, repo, url, *extra)
        assert done.returncode == 2 and message in done.stderr, (extra, done.stderr)
    done = run_status(backstop_bin, repo, "ftp://127.0.0.1:1")
    assert done.returncode == 2 and "http or https" in done.stderr
    done = run_status(backstop_bin, repo, url, "--format", "xml")
    assert done.returncode == 2


def test_missing_sources_and_stopped_prometheus(backstop_bin, cluster):
    """Two more Prometheus servers: one that does not scrape kube-state-metrics, one that
    does not scrape the Pushgateway; then stopped. Each is exit 2 with the URL and the cause."""
    tmp, repo = cluster["tmp"], cluster["repo"]
    no_ksm = Prometheus(tmp / "no-ksm", {"pushgateway": cluster["pushgateway_target"]}, [])
    no_pushgateway = Prometheus(tmp / "no-pushgateway", {"kube-state-metrics": cluster["ksm_target"]}, [])
    try:
        no_ksm.wait_for(lambda: no_ksm.query("pushgateway_build_info"), "to scrape the Pushgateway")
        done = run_status(backstop_bin, repo, no_ksm.url)
        assert done.returncode == 2 and done.stdout == ""
        assert no_ksm.url in done.stderr and "kube-state-metrics" in done.stderr and "kube_cronjob_info" in done.stderr

        no_pushgateway.wait_for(lambda: no_pushgateway.query("kube_cronjob_info"), "to scrape kube-state-metrics")
        done = run_status(backstop_bin, repo, no_pushgateway.url)
        assert done.returncode == 2 and done.stdout == ""
        assert no_pushgateway.url in done.stderr and "Pushgateway" in done.stderr
    finally:
        no_ksm.stop()
        no_pushgateway.stop()
    done = run_status(backstop_bin, repo, no_ksm.url)
    assert done.returncode == 2 and done.stdout == ""
    assert no_ksm.url in done.stderr and "Connection refused" in done.stderr


def test_request_count_does_not_depend_on_the_number_of_backups(backstop_bin, cluster):
    repo = cluster["repo"]
    _, everything = status_json(backstop_bin, cluster)
    _, one = status_json(backstop_bin, cluster, paths=[str(repo / "stacks" / "india")])
    assert everything["requests"] == one["requests"] > 0


def test_timeout(backstop_bin, cluster):
    """A listener that accepts connections and never answers: --timeout ends the wait."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        done = run_status(backstop_bin, cluster["repo"], url, "--timeout", "1s")
        elapsed = time.monotonic() - started
    assert done.returncode == 2 and url in done.stderr and "timed out" in done.stderr, done.stderr
    assert elapsed < 10
