"""The modules apply each backup job's settings ConfigMap `<name>-backup-settings` beside its
CronJob, which reads it whole with `envFrom`, so that changing a setting through a module
changes the ConfigMap only.

- The typed dump modules (hashicorp/kubernetes): that provider cannot be installed here, so
  real Terraform evaluates the module's own expressions instead: its ConfigMap `data` and
  name, fed the module's variables, equal what the Backstop provider renders for the same
  inputs, and the variables' validations refuse what the provider refuses.
- `modules/app-backup` (Backstop provider, installed from a filesystem mirror as a user's
  `terraform init` does): planned, applied and planned again after a `keep` change, whose
  whole human plan is counted."""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import tomllib

import pytest

from examples_support import REPO, _shared

DUMP_MODULES = [("kubernetes-pg-dumpall-backup", "pg_dumpall"), ("kubernetes-mysqldump-backup", "mysqldump")]

# Every input of a typed dump module, the settings among them away from their defaults.
DUMP_INPUTS = {
    "name": "postgresql", "namespace": "dbaas", "schedule": "0 0 * * *", "host": "pg-cluster-rw.dbaas",
    "user": "postgres", "password_secret_name": "pg-superuser", "password_secret_key": "password",
    "destination_claim": "dbaas-backup-host", "keep": 30, "max_shrink_percent": 20, "make_room": False,
    "pushgateway_url": "http://pushgateway.monitoring.svc:9091",
}

# What `issues show 12` allows a `keep` change to print (examples/mailserver); one module call
# must not need more.
KEEP_CHANGE_MAX_LINES = 40


def offline(args: list, cwd: pathlib.Path, cli_config: str, check: bool = True):
    return _shared.offline_terraform(args, cwd, cli_config, cwd.parent / "home", check=check)


def resource_block(main_tf: str, type_name: str, label: str) -> str:
    """The text of `resource "<type>" "<label>" { ... }`, up to the next resource (a script
    heredoc inside it has lines of its own that close with `}`)."""
    for block in re.split(r'^(?=resource ")', main_tf, flags=re.M):
        if block.startswith(f'resource "{type_name}" "{label}" {{'):
            return block
    pytest.fail(f"no {type_name}.{label}")


def settings_parts(module: str) -> tuple[str, str, str]:
    """(ConfigMap metadata name expression, ConfigMap data expression, CronJob block) of a typed module."""
    main_tf = (REPO / "modules" / module / "main.tf").read_text()
    settings = resource_block(main_tf, "kubernetes_config_map_v1", "settings")
    name = re.search(r"^    name\s+= (.*)$", settings, re.M).group(1)
    data = re.search(r"^  data = (\{\n.*?^  \})$", settings, re.S | re.M).group(1)
    return name, data, resource_block(main_tf, "kubernetes_cron_job_v1", "this")


def tfvars(inputs: dict) -> str:
    return "".join(f"{k} = {json.dumps(v)}\n" for k, v in inputs.items())


@pytest.mark.parametrize("module,strategy", DUMP_MODULES)
def test_typed_dump_module_settings_are_what_the_provider_renders(module, strategy, provider_bin, tmp_path):
    from examples_support import plan_json, planned_outputs

    name, data, _ = settings_parts(module)
    stack = tmp_path / "stack"
    stack.mkdir()
    shutil.copy(REPO / "modules" / module / "variables.tf", stack / "variables.tf")
    (stack / "terraform.tfvars").write_text(tfvars(DUMP_INPUTS))
    # `tomap` converts the numbers as the kubernetes provider's map(string) `data` does.
    (stack / "main.tf").write_text(
        'terraform {\n  required_providers {\n    backstop = { source = "backstop/backstop" }\n  }\n}\n\n'
        f'output "module_data" {{\n  value = tomap({data})\n}}\n\n'
        f'output "module_name" {{\n  value = {name}\n}}\n\n'
        'data "backstop_backup_job" "same" {\n'
        + "".join(f"  {k} = var.{k}\n" for k in ("name", "namespace", "schedule", "host", "user", "destination_claim",
                                                   "image", "keep", "max_shrink_percent", "make_room",
                                                   "pushgateway_url"))
        + f'  strategy = "{strategy}"\n'
        '  password_secret = { name = var.password_secret_name, key = var.password_secret_key }\n}\n\n'
        'output "provider_settings" {\n  value = data.backstop_backup_job.same.config_map_manifest\n}\n')

    outputs = planned_outputs(plan_json(stack, provider_bin.parent))

    assert outputs["module_data"] == outputs["provider_settings"]["data"]
    assert outputs["module_name"] == outputs["provider_settings"]["metadata"]["name"] == "postgresql-backup-settings"
    # The inputs reached the data, not the defaults.
    assert outputs["module_data"]["PUSHGATEWAY_URL"] == DUMP_INPUTS["pushgateway_url"]
    assert outputs["module_data"]["KEEP_DAYS"] == "30" and outputs["module_data"]["MAX_SHRINK_PERCENT"] == "20"
    assert outputs["module_data"]["MAKE_ROOM"] == "false"
    assert outputs["module_data"]["DB_HOST"] == "pg-cluster-rw.dbaas"


@pytest.mark.parametrize("module", [m for m, _ in DUMP_MODULES])
def test_typed_dump_module_cronjob_reads_the_settings_config_map_and_holds_no_setting(module):
    """The CronJob names the ConfigMap through its resource (Terraform creates the ConfigMap
    first) and references none of the settings' variables: a change of one of them cannot
    change the CronJob."""
    _, data, cronjob = settings_parts(module)
    assert re.search(r"env_from \{\n\s+config_map_ref \{\n\s+name\s+= kubernetes_config_map_v1\.settings\.metadata\[0\]\.name\n"
                     r"\s+optional = true\n",
                     cronjob), cronjob[-3000:]
    settings_variables = set(re.findall(r"var\.(\w+)", data))
    assert settings_variables >= {"keep", "max_shrink_percent", "make_room", "pushgateway_url", "host", "user"}
    cronjob_variables = set(re.findall(r"var\.(\w+)", cronjob))
    assert cronjob_variables, "the CronJob still takes its own inputs (name, schedule, claim, image)"
    assert not (settings_variables - {"name", "namespace"}) & cronjob_variables


@pytest.mark.parametrize("module", [m for m, _ in DUMP_MODULES])
@pytest.mark.parametrize("variable,value", [("keep", 0), ("keep", 1.5), ("max_shrink_percent", -1)])
def test_typed_dump_module_refuses_a_setting_the_provider_refuses(module, variable, value, tmp_path):
    stack = tmp_path / "stack"
    stack.mkdir()
    shutil.copy(REPO / "modules" / module / "variables.tf", stack / "variables.tf")
    (stack / "terraform.tfvars").write_text(tfvars({**DUMP_INPUTS, variable: value}))
    cli_config = 'provider_installation {\n  direct {}\n}\n'
    offline(["init", "-input=false"], stack, cli_config)
    done = offline(["plan", "-input=false"], stack, cli_config, check=False)
    assert done.returncode == 1, done.stdout
    assert f"{variable} must be a whole number, at least" in " ".join(done.stderr.split())
    # The same stack with the value the provider accepts plans: the refusal is the value's.
    (stack / "terraform.tfvars").write_text(tfvars(DUMP_INPUTS))
    offline(["plan", "-input=false"], stack, cli_config)


class MirroredStack:
    """A root module calling modules/app-backup, with the built provider installed from a
    filesystem mirror (no dev_overrides warning in the plans)."""

    def __init__(self, tmp_path: pathlib.Path, provider_bin: pathlib.Path):
        version = tomllib.loads((REPO / "Cargo.toml").read_text())["workspace"]["package"]["version"]
        platform = tmp_path / "mirror" / "registry.terraform.io" / "backstop" / "backstop" / version / "linux_amd64"
        platform.mkdir(parents=True)
        shutil.copy(provider_bin, platform / "terraform-provider-backstop")
        self.cli_config = ("provider_installation {\n  filesystem_mirror {\n"
                           f'    path    = "{tmp_path / "mirror"}"\n'
                           '    include = ["registry.terraform.io/backstop/backstop"]\n  }\n}\n')
        shutil.copytree(REPO / "modules" / "app-backup", tmp_path / "modules" / "app-backup")
        self.root = tmp_path / "stack"
        self.root.mkdir()

    def write(self, keep: int, root_output: bool) -> None:
        """The stack; `root_output` passes the module's `manifests` on, as the examples do
        (a plan then prints each change twice: the resource's and the output's)."""
        (self.root / "main.tf").write_text(
            'terraform {\n  required_providers {\n    backstop = {\n      source = "backstop/backstop"\n    }\n  }\n}\n\n'
            'provider "backstop" {\n  nfs_server = "nfs.home.arpa"\n}\n\n'
            'module "postgresql_backup" {\n  source = "../modules/app-backup"\n\n'
            '  name      = "postgresql"\n  namespace = "dbaas"\n  schedule  = "0 1 * * *"\n'
            '  strategy  = "pg_dumpall"\n  host      = "pg-cluster-rw.dbaas"\n  user      = "postgres"\n'
            '  password_secret = { name = "pg-superuser", key = "password" }\n'
            f'  keep      = {keep}\n}}\n'
            + ('\noutput "manifests" {\n  value = module.postgresql_backup.manifests\n}\n' if root_output else ""))

    def apply(self, keep: int, root_output: bool) -> "MirroredStack":
        self.write(keep, root_output)
        self.terraform("init", "-input=false")
        self.terraform("apply", "-input=false", "-auto-approve")
        return self

    def terraform(self, *args: str, check: bool = True):
        return offline(list(args), self.root, self.cli_config, check=check)


def test_app_backup_outputs_the_settings_config_map_the_cronjob_reads(provider_bin, tmp_path):
    stack = MirroredStack(tmp_path, provider_bin).apply(keep=14, root_output=True)
    manifests = json.loads(stack.terraform("output", "-json", "manifests").stdout)
    assert list(manifests) == ["config_map", "cronjob", "persistent_volume", "persistent_volume_claim",
                               "prometheus_rule"]  # Terraform sorts an object's keys
    config_map, cronjob = manifests["config_map"], manifests["cronjob"]
    assert config_map["kind"] == "ConfigMap"
    assert config_map["metadata"]["namespace"] == cronjob["metadata"]["namespace"] == "dbaas"
    container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": config_map["metadata"]["name"], "optional": True}}]
    assert config_map["data"]["KEEP_DAYS"] == "14" and config_map["data"]["DB_HOST"] == "pg-cluster-rw.dbaas"
    assert not {e["name"] for e in container["env"]} & set(config_map["data"]), "a setting is set twice"


def test_app_backup_keep_change_changes_only_the_config_map(provider_bin, tmp_path):
    stack = MirroredStack(tmp_path, provider_bin).apply(keep=14, root_output=False)
    stack.write(keep=21, root_output=False)
    stack.terraform("plan", "-input=false", "-out=tfplan")
    plan = json.loads(stack.terraform("show", "-json", "tfplan").stdout)
    # Nothing else, not even a deferred read of the module's alert data source.
    changed = {c["address"]: c["change"] for c in plan["resource_changes"] if c["change"]["actions"] != ["no-op"]}
    assert list(changed) == ["module.postgresql_backup.backstop_backup_job.this"]
    job = changed["module.postgresql_backup.backstop_backup_job.this"]
    assert job["actions"] == ["update"]
    assert job["before"]["manifest"] == job["after"]["manifest"], "the CronJob must not change"
    before, after = job["before"]["config_map_manifest"], job["after"]["config_map_manifest"]
    assert (before["data"]["KEEP_DAYS"], after["data"]["KEEP_DAYS"]) == ("14", "21")
    before["data"].pop("KEEP_DAYS"), after["data"].pop("KEEP_DAYS")
    assert before == after

    human = stack.terraform("plan", "-input=false", "-detailed-exitcode", check=False)
    assert human.returncode == 2, human.stdout + human.stderr
    lines = (human.stdout + human.stderr).splitlines()
    print(f"\napp-backup keep change (14 -> 21), whole human plan: {len(lines)} lines")
    assert len(lines) <= KEEP_CHANGE_MAX_LINES, "\n".join(lines)
    assert [line.strip() for line in lines if "->" in line] == ['~ KEEP_DAYS          = "14" -> "21"',
                                                                "~ keep                = 14 -> 21"]
