"""The generated docs and modules are committed exactly as generated, every module is
`terraform fmt` clean, and `--check` notices a stale file (so CI fails on one)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from examples_support import REPO, require_tool


def generate(backstop_bin, what: str, root, check: bool) -> subprocess.CompletedProcess:
    args = [backstop_bin, "generate", what, "--dir", root] + (["--check"] if check else [])
    return subprocess.run([str(a) for a in args], capture_output=True, text=True)


@pytest.mark.parametrize("what", ["docs", "modules"])
def test_committed_output_is_what_the_generator_writes(backstop_bin, what):
    done = generate(backstop_bin, what, REPO, check=True)
    assert done.returncode == 0, done.stderr


def test_every_module_is_terraform_fmt_clean(tmp_path):
    done = subprocess.run([require_tool("terraform"), "fmt", "-check", "-recursive", "-diff", str(REPO / "modules")],
                          capture_output=True, text=True, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_changed_module_input_makes_its_readme_stale(backstop_bin, tmp_path):
    shutil.copytree(REPO / "modules", tmp_path / "modules")
    variables = tmp_path / "modules" / "app-backup" / "variables.tf"
    variables.write_text(variables.read_text().replace(
        'variable "keep" {', 'variable "retention_note" {\n  description = "A new input."\n  type        = string\n'
        '  default     = null\n}\n\nvariable "keep" {'))

    done = generate(backstop_bin, "modules", tmp_path, check=True)
    assert done.returncode == 1
    assert "modules/app-backup/README.md: out of date" in done.stderr

    assert generate(backstop_bin, "modules", tmp_path, check=False).returncode == 0
    assert "| retention_note | A new input. | `string` | `null` | no |" in \
        (tmp_path / "modules" / "app-backup" / "README.md").read_text()
    assert generate(backstop_bin, "modules", tmp_path, check=True).returncode == 0


def test_a_hand_edited_generated_module_is_stale(backstop_bin, tmp_path):
    shutil.copytree(REPO / "modules", tmp_path / "modules")
    main_tf = tmp_path / "modules" / "kubernetes-nfs-backup-volume" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('"Retain"', '"Delete"'))
    done = generate(backstop_bin, "modules", tmp_path, check=True)
    assert done.returncode == 1
    assert "kubernetes-nfs-backup-volume/main.tf: out of date" in done.stderr


def test_a_changed_example_makes_the_docs_stale(backstop_bin, tmp_path):
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    example = tmp_path / "examples" / "resources" / "backstop_backup_alert" / "resource.tf"
    example.write_text(example.read_text().replace('"0 3 * * *"', '"0 4 * * *"'))
    done = generate(backstop_bin, "docs", tmp_path, check=True)
    assert done.returncode == 1
    assert "docs/resources/backup_alert.md: out of date" in done.stderr


def test_the_typed_volume_module_keeps_the_nfs_conventions():
    main_tf = (REPO / "modules" / "kubernetes-nfs-backup-volume" / "main.tf").read_text()
    assert 'persistent_volume_reclaim_policy = "Retain"' in main_tf
    for option in ("nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"):
        assert f'"{option}"' in main_tf
    assert '"server" = var.nfs_server' in main_tf and '"share"  = local.nfs_path' in main_tf


def test_the_typed_dump_modules_read_the_password_from_a_secret():
    for module, tool in (("kubernetes-pg-dumpall-backup", "pg_dumpall"), ("kubernetes-mysqldump-backup", "mysqldump")):
        main_tf = (REPO / "modules" / module / "main.tf").read_text()
        assert tool in main_tf
        assert "name = var.password_secret_name" in main_tf and "key  = var.password_secret_key" in main_tf
        assert "sentinel" not in main_tf


@pytest.mark.parametrize("module,strategy", [("kubernetes-pg-dumpall-backup", "pg_dumpall"),
                                             ("kubernetes-mysqldump-backup", "mysqldump")])
def test_typed_dump_module_script_is_what_the_provider_renders(module, strategy, provider_bin, tmp_path):
    """The module's variables, interpolated by real Terraform into its script heredoc, give
    exactly the script the provider renders for the same inputs: the sentinels were
    replaced where (and only where) the inputs go."""
    from examples_support import plan_json, planned_outputs

    main_tf = (REPO / "modules" / module / "main.tf").read_text()
    heredoc = re.search(r"<<(-?)EOT\n(.*?)\n\s*EOT\n", main_tf, re.S)
    assert heredoc, f"{module}/main.tf has no script heredoc"
    shutil.copy(REPO / "modules" / module / "variables.tf", tmp_path / "variables.tf")
    (tmp_path / "terraform.tfvars").write_text(
        'name = "postgresql"\nnamespace = "dbaas"\nschedule = "0 0 * * *"\nhost = "pg-cluster-rw.dbaas"\n'
        'user = "postgres"\npassword_secret_name = "pg-superuser"\npassword_secret_key = "password"\n'
        'destination_claim = "dbaas-backup-host"\n')
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    backstop = { source = "backstop/backstop" }\n  }\n}\n\n'
        f"locals {{\n  script = <<{heredoc.group(1)}EOT\n{heredoc.group(2)}\nEOT\n}}\n\n"
        'output "module_script" {\n  value = local.script\n}\n\n'
        'data "backstop_backup_job" "same" {\n  name = var.name\n  namespace = var.namespace\n'
        f'  schedule = var.schedule\n  strategy = "{strategy}"\n  host = var.host\n  user = var.user\n'
        '  password_secret = { name = var.password_secret_name, key = var.password_secret_key }\n'
        '  destination_claim = var.destination_claim\n  image = var.image\n}\n\n'
        'output "provider_script" {\n  value = data.backstop_backup_job.same.script\n}\n')

    outputs = planned_outputs(plan_json(tmp_path, provider_bin.parent))

    assert "'postgresql-backup'" in outputs["module_script"]
    assert outputs["module_script"] == outputs["provider_script"]
