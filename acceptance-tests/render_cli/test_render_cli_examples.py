"""`backstop render` on the bundled examples, checked by the real tools: every Kubernetes
object passes `kubernetes-validate --strict -k 1.33.0`, the PrometheusRule's groups pass
`promtool check rules`, and the `--format hcl` output parses with the real Terraform."""
import importlib.util
import json
import pathlib
import subprocess

import pytest
import yaml

_ROOT_CONFTEST = pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
_spec = importlib.util.spec_from_file_location("backstop_acceptance_root_render_cli", _ROOT_CONFTEST)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_tool = _root.require_tool

EXAMPLES = ["mailserver.hcl", "vaultwarden.hcl", "dbaas.hcl", "restore.hcl"]


def render(backstop_bin, repo, example, out, fmt):
    done = subprocess.run(
        [backstop_bin, "render", repo / "examples" / "render" / example, "--format", fmt, "--out", out],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return sorted(out.iterdir())


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_objects_pass_kubernetes_validate_and_promtool(backstop_bin, repo, example, tmp_path):
    files = render(backstop_bin, repo, example, tmp_path / "out", "yaml")
    manifests = [f for f in files if not f.name.startswith("prometheusrule-")]
    rules = [f for f in files if f.name.startswith("prometheusrule-")]
    assert manifests and rules, [f.name for f in files]
    # Each backup CronJob's settings are among the validated objects.
    backups = [f for f in files if f.name.startswith("cronjob-") and f.stem.endswith("-backup")]
    assert backups and all((f.parent / f"configmap-{f.stem[len('cronjob-'):]}-settings.yaml").exists()
                           for f in backups), [f.name for f in files]

    done = subprocess.run(
        [require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *manifests],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(" passed ") == len(manifests), done.stdout

    for rule_file in rules:
        rule = yaml.safe_load(rule_file.read_text())
        assert rule["kind"] == "PrometheusRule"
        groups = tmp_path / f"{rule_file.stem}.rules.yaml"
        groups.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
        done = subprocess.run([require_tool("promtool"), "check", "rules", groups], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_hcl_output_parses_with_terraform(backstop_bin, repo, example, tmp_path):
    files = render(backstop_bin, repo, example, tmp_path / "out", "hcl")
    assert all(f.suffix == ".tf" for f in files)
    done = subprocess.run(
        [require_tool("terraform"), "fmt", "-write=false", "-list=false", tmp_path / "out"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_terraform_rejects_broken_hcl_so_the_check_above_can_fail(tmp_path):
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n  a =\n}\n')
    done = subprocess.run(
        [require_tool("terraform"), "fmt", "-write=false", "-list=false", tmp_path],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0


def test_json_stream_holds_every_object_once(backstop_bin, repo):
    done = subprocess.run(
        [backstop_bin, "render", repo / "examples" / "render" / "dbaas.hcl", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    kinds = sorted(o["kind"] for o in json.loads(done.stdout))
    assert kinds == ["ConfigMap", "ConfigMap", "CronJob", "CronJob", "PersistentVolume", "PersistentVolumeClaim",
                     "PrometheusRule", "PrometheusRule"]
