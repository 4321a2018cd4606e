"""A job setting not known at plan (`keep = terraform_data.k.output`): the CronJob is
planned known, as apply renders it, and only the settings ConfigMap waits. Real Terraform
with the provider installed from a mirror, so the human plan is exactly what a user reads.
Downstream `terraform_data` resources take the objects as `kubernetes_manifest` would, so
their plans show whether the CronJob would be reprinted."""
import json

import pytest

from plan_output_support import MirrorWorkspace
from provider_support import REQUIRED_PROVIDERS

# A settings-only input, the expression that makes it unknown at plan, and two values of
# the terraform_data input with the ConfigMap entry each gives.
SETTINGS = {
    "keep": ("terraform_data.k.output", 8, 9, ("KEEP_WEEKS", "8", "9")),
    "pushgateway_url": ('"http://pg-${terraform_data.k.output}:9091"', "a", "b",
                        ("PUSHGATEWAY_URL", "http://pg-a:9091", "http://pg-b:9091")),
}


def stack(setting: str, expression: str, input_value, schedule: str = '"0 3 * * *"') -> str:
    return REQUIRED_PROVIDERS + f"""
provider "backstop" {{
  nfs_server = "nfs.home.arpa"
}}

resource "terraform_data" "k" {{
  input = {json.dumps(input_value)}
}}

resource "backstop_backup_job" "mail" {{
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = {schedule}
  source_claim      = "mailserver-data"
  destination_claim = "mailserver-backup-host"
  mounts            = {{ data = {{ path = "/var/mail", sub_path = "data" }} }}
  {setting} = {expression}
}}

# What kubernetes_manifest resources would take.
resource "terraform_data" "cronjob" {{
  input = backstop_backup_job.mail.manifest
}}
resource "terraform_data" "settings" {{
  input = backstop_backup_job.mail.config_map_manifest
}}
"""


@pytest.fixture
def ws(tmp_path, provider_bin) -> MirrorWorkspace:
    return MirrorWorkspace(tmp_path, provider_bin)


def write(ws: MirrorWorkspace, text: str) -> None:
    (ws.stack / "main.tf").write_text(text)


def planned(ws: MirrorWorkspace) -> dict:
    ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    return json.loads(ws.run("show", "-json", "tfplan").stdout)


def change(plan: dict, address: str) -> dict:
    return next(c for c in plan["resource_changes"] if c["address"] == address)["change"]


def unknown_within(marker) -> bool:
    """Whether an `after_unknown` marker says some part of the value is unknown (a known
    object's marker mirrors its shape with empty objects and lists)."""
    if isinstance(marker, dict):
        return any(unknown_within(m) for m in marker.values())
    if isinstance(marker, list):
        return any(unknown_within(m) for m in marker)
    return marker is True


def planned_values(plan: dict, address: str) -> dict:
    resources = plan["planned_values"]["root_module"]["resources"]
    return next(r for r in resources if r["address"] == address)["values"]


def applied(ws: MirrorWorkspace) -> dict:
    ws.run("apply", "-auto-approve", "-input=false", "-no-color", "tfplan")
    resources = ws.state()["values"]["root_module"]["resources"]
    return {r["address"]: r["values"] for r in resources}


@pytest.mark.parametrize("setting", SETTINGS)
def test_an_unknown_setting_leaves_the_cronjob_known_and_only_the_configmap_waits(ws, setting):
    expression, first, second, (entry, first_entry, second_entry) = SETTINGS[setting]
    write(ws, stack(setting, expression, first))
    ws.init()

    plan = planned(ws)
    job = change(plan, "backstop_backup_job.mail")
    assert job["actions"] == ["create"]
    assert job["after_unknown"].get(setting) is True
    assert job["after_unknown"].get("config_map_manifest") is True
    assert "config_map_manifest" not in job["after"]
    assert not unknown_within(job["after_unknown"]["manifest"]), job["after_unknown"]
    manifest = job["after"]["manifest"]
    assert manifest["kind"] == "CronJob" and manifest["metadata"]["name"] == "mailserver-backup"
    assert planned_values(plan, "backstop_backup_job.mail")["manifest"] == manifest
    # Nothing of the stand-in the provider rendered with shows.
    assert "stand-in" not in json.dumps(plan)
    # Downstream, the CronJob is known at plan; the ConfigMap is not.
    assert change(plan, "terraform_data.cronjob")["after"]["input"] == manifest
    assert change(plan, "terraform_data.settings")["after_unknown"].get("input") is True

    # Apply renders with the real value: the CronJob Terraform planned (it refuses an
    # apply whose result differs), and the ConfigMap holding the value.
    values = applied(ws)
    assert values["backstop_backup_job.mail"]["manifest"] == manifest
    assert values["backstop_backup_job.mail"]["config_map_manifest"]["data"][entry] == first_entry
    assert ws.no_change().returncode == 0

    write(ws, stack(setting, expression, second))
    lines = ws.human_plan()
    print(f"{setting} change through terraform_data: {len(lines)} plan lines")
    plan = planned(ws)
    job = change(plan, "backstop_backup_job.mail")
    assert job["actions"] == ["update"]
    assert job["after"]["manifest"] == job["before"]["manifest"] == manifest
    assert job["after_unknown"].get("config_map_manifest") is True
    assert not unknown_within(job["after_unknown"]["manifest"])
    # The downstream CronJob does not change at all: it is not reprinted.
    assert change(plan, "terraform_data.cronjob")["actions"] == ["no-op"]
    assert change(plan, "terraform_data.settings")["actions"] == ["update"]
    assert not any('"CronJob"' in line for line in lines), "\n".join(lines)
    assert "Plan: 0 to add, 3 to change, 0 to destroy." in lines, "\n".join(lines)

    values = applied(ws)
    assert values["backstop_backup_job.mail"]["manifest"] == manifest
    assert values["backstop_backup_job.mail"]["config_map_manifest"]["data"][entry] == second_entry
    assert values["terraform_data.settings"]["output"]["data"][entry] == second_entry
    assert ws.no_change().returncode == 0


def test_an_unknown_schedule_still_leaves_both_objects_unknown(ws):
    write(ws, stack("keep", "terraform_data.k.output", "0 4 * * *",
                    schedule="terraform_data.k.output").replace(
        "keep = terraform_data.k.output", "keep = 8"))
    ws.init()
    plan = planned(ws)
    job = change(plan, "backstop_backup_job.mail")
    assert job["after_unknown"].get("manifest") is True
    assert job["after_unknown"].get("config_map_manifest") is True
    assert job["after"]["cronjob_name"] == "mailserver-backup"
    values = applied(ws)
    job = values["backstop_backup_job.mail"]
    assert job["manifest"]["spec"]["schedule"] == "0 4 * * *"
    assert job["config_map_manifest"]["data"]["KEEP_WEEKS"] == "8"
    assert ws.no_change().returncode == 0
