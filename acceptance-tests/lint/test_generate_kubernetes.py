"""`backstop generate backup --style kubernetes` writes typed `kubernetes_*` resources that
real Terraform formats as written (`terraform fmt -check`), the job's settings ConfigMap
among them, ahead of the CronJob whose `env_from` names it; Terraform evaluates its
`data` map to the settings the core renders. (The hashicorp/kubernetes provider cannot be
installed offline, so the typed resources are not planned here; field-for-field
equivalence with the manifests is codegen/tests/hcl_equivalence.rs.)"""
import importlib.util
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

_ROOT_CONFTEST = pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
_spec = importlib.util.spec_from_file_location("backstop_acceptance_root_lint", _ROOT_CONFTEST)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_tool = _root.require_tool

FIXTURE = _root.REPO / "cli" / "tests" / "fixtures" / "lint" / "generate"
GENERATED = "stacks/mailserver/modules/mailserver/backup.tf"


def terraform(cwd, *args):
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_DATA_DIR": str(cwd / ".terraform")}
    return subprocess.run([require_tool("terraform"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def generated(backstop_bin, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    done = subprocess.run([backstop_bin, "generate", "backup", "--style", "kubernetes", "stacks/mailserver"],
                          cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return repo / GENERATED


def test_the_typed_backup_is_fmt_clean_and_applies_its_settings_first(generated, tmp_path):
    text = generated.read_text()
    done = terraform(tmp_path, "fmt", "-check", "-diff", "-no-color", str(generated))
    assert done.returncode == 0, done.stdout + done.stderr
    types = re.findall(r'^resource "(\w+)" "\w+"', text, re.M)
    assert types.index("kubernetes_config_map_v1") == types.index("kubernetes_cron_job_v1") - 1, types
    [name] = re.findall(r'resource "kubernetes_config_map_v1" "\w+" \{\n  metadata \{\n    name\s*= "([^"]+)"', text)
    assert name == "mailserver-data-encrypted-backup-settings"
    assert re.search(r'env_from \{\n\s*config_map_ref \{\n\s*name\s*= "' + name + '"', text), text

    # The data map as Terraform evaluates it: every value a string, the retention among them.
    [data] = re.findall(r"^  data = (\{\n.*?^  \})$", text, re.S | re.M)
    (tmp_path / "main.tf").write_text(f'output "data" {{\n  value = {data}\n}}\n')
    for step in (["init", "-no-color", "-input=false"], ["apply", "-no-color", "-auto-approve", "-input=false"]):
        done = terraform(tmp_path, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    values = json.loads(terraform(tmp_path, "output", "-json").stdout)["data"]["value"]
    assert values["KEEP_WEEKS"] == "8" and values["PUSHGATEWAY_URL"].startswith("http"), values
    assert all(isinstance(v, str) for v in values.values()), values
