"""`backstop generate dashboard`: Grafana's required dashboard fields, and every panel query
run on the real Prometheus of the status tests, returning series for the test backups."""
import json
import subprocess

import pytest

from status_cases import BACKUPS, NAMESPACE

RAN = {f"{name}-backup" for name, b in BACKUPS.items() if b["run"]}
SUCCEEDED = {f"{name}-backup" for name in ["alpha", "bravo", "echo", "foxtrot", "golf", "india"]}


@pytest.fixture(scope="module")
def dashboard(backstop_bin, cluster):
    done = subprocess.run([str(backstop_bin), "generate", "dashboard", str(cluster["repo"])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def targets(dashboard):
    return [(panel["title"], target) for panel in dashboard["panels"] for target in panel["targets"]]


def run_on_prometheus(prometheus, expr):
    """The query as Grafana sends it with the namespace variable set to the test's namespace."""
    assert "$namespace" in expr or "ALERTS" in expr, expr
    data = prometheus.get("/api/v1/query", {"query": expr.replace("$namespace", NAMESPACE)})
    assert data is not None, f"Prometheus rejected {expr}"
    assert data["resultType"] == "vector"
    return data["result"]


def test_grafana_required_fields(dashboard):
    for field in ["title", "uid", "schemaVersion", "panels", "templating", "time", "version"]:
        assert field in dashboard, field
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["uid"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["namespace"]["type"] == "query" and variables["datasource"]["type"] == "datasource"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    cells = set()
    for panel in dashboard["panels"]:
        assert panel["type"] in {"timeseries", "table"} and panel["title"]
        grid = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= grid.keys() and grid["x"] + grid["w"] <= 24
        cell = (grid["x"], grid["y"])
        assert cell not in cells  # no two panels on top of each other
        cells.add(cell)
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert ref_ids and len(ref_ids) == len(set(ref_ids))
        for target in panel["targets"]:
            assert target["expr"] and target["datasource"]["uid"] == "${datasource}"


def test_namespace_variable_lists_the_namespaces(dashboard, cluster):
    query = next(v for v in dashboard["templating"]["list"] if v["name"] == "namespace")["definition"]
    assert query == "label_values(kube_cronjob_info, namespace)"
    values = cluster["prometheus"].get("/api/v1/label/namespace/values", {"match[]": "kube_cronjob_info"})
    assert NAMESPACE in values


def test_every_panel_query_returns_series_for_the_test_backups(dashboard, cluster):
    prometheus = cluster["prometheus"]
    expected = {  # panel title prefix -> the backups whose series it must show
        "Age since last success / stale threshold": SUCCEEDED,
        "Age since last success": SUCCEEDED,
        "Last run duration": RAN,
        "Bytes read / written / output": RAN,
        "Restore-drill age": {"alpha-backup"},
        "Firing alerts": {"foxtrot-backup"},
    }
    seen_titles = set()
    for title, target in targets(dashboard):
        result = run_on_prometheus(prometheus, target["expr"])
        backups = {s["metric"].get("cronjob") or s["metric"].get("job") for s in result}
        prefix = next(p for p in expected if title.startswith(p))
        assert backups == expected[prefix], (title, target["expr"])
        assert all(s["metric"]["namespace"] == NAMESPACE for s in result), title
        seen_titles.add(prefix)
    assert seen_titles == expected.keys()


def test_age_against_threshold_is_the_rendered_alerts_threshold(dashboard, cluster):
    ratio = next(t for title, t in targets(dashboard) if title.startswith("Age since last success / stale"))
    values = {s["metric"]["cronjob"]: float(s["value"][1]) for s in run_on_prometheus(cluster["prometheus"], ratio["expr"])}
    # bravo last succeeded twice its threshold ago, alpha one hour ago against 36h-ish.
    assert values["bravo-backup"] == pytest.approx(2.0, abs=0.05)
    assert values["alpha-backup"] == pytest.approx(3600 / cluster["thresholds"]["alpha"], abs=0.05)
    assert all(v < 1 for cronjob, v in values.items() if cronjob != "bravo-backup")


def test_out_file(backstop_bin, cluster, dashboard, tmp_path):
    out = tmp_path / "backstop.json"
    done = subprocess.run([str(backstop_bin), "generate", "dashboard", str(cluster["repo"]), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == ""
    assert json.loads(out.read_text()) == dashboard
    assert [p.name for p in tmp_path.iterdir()] == ["backstop.json"]
    done = subprocess.run([str(backstop_bin), "generate", "dashboard", str(cluster["repo"]),
                           "--out", str(tmp_path / "absent" / "x.json")], capture_output=True, text=True)
    assert done.returncode == 2 and "absent" in done.stderr
