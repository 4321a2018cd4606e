"""The resource lifecycle through real Terraform: validate, plan, apply, a clean second
plan, an in-place update, a replacement, destroy; data sources; unknown values."""
import json

from provider_support import errors, resource_change

PROVIDER = """
provider "backstop" {
  nfs_server = "nfs.home.arpa"
}
"""


def mailserver(keep: int = 8, name: str = "mailserver", namespace: str = '"mailserver"') -> str:
    return PROVIDER + f"""
resource "backstop_nfs_backup_volume" "mail" {{
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}}

resource "backstop_backup_job" "mail" {{
  name              = "{name}"
  namespace         = {namespace}
  schedule          = "0 3 * * *"
  source_claim      = "mailserver-data-encrypted"
  destination_claim = backstop_nfs_backup_volume.mail.claim_name
  mounts = {{
    data  = {{ path = "/var/mail", sub_path = "data" }}
    state = {{ path = "/var/mail-state", sub_path = "state" }}
    log   = {{ path = "/var/log/mail", sub_path = "log" }}
  }}
  keep          = {keep}
  colocate_with = {{ app = "mailserver" }}
}}

resource "backstop_backup_alert" "mail" {{
  cronjob_name = backstop_backup_job.mail.cronjob_name
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
}}
"""


def test_validate_plan_apply_update_replace_destroy(workspace):
    workspace.write(mailserver())
    validated = workspace.run_json("validate")
    assert validated[0]["valid"] is True, validated

    plan = workspace.show_plan()
    job = resource_change(plan, "backstop_backup_job.mail")
    assert job["change"]["actions"] == ["create"]
    after = job["change"]["after"]
    # Inputs known at plan time give rendered outputs known at plan time.
    assert after["cronjob_name"] == "mailserver-backup"
    assert after["id"] == "mailserver/mailserver-backup"
    assert after["manifest"]["kind"] == "CronJob"
    assert after["manifest"]["metadata"]["name"] == "mailserver-backup"
    container = after["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert "rsync" in container["command"][-1]
    # Its settings ConfigMap, known at plan too, is the one the container reads whole.
    settings = after["config_map_manifest"]
    assert settings["kind"] == "ConfigMap"
    assert settings["metadata"] == {**settings["metadata"], "name": "mailserver-backup-settings",
                                    "namespace": "mailserver"}
    assert settings["metadata"]["labels"] == after["manifest"]["metadata"]["labels"]
    assert settings["data"]["KEEP_WEEKS"] == "8"
    assert [source["configMapRef"]["name"] for source in container["envFrom"]] == ["mailserver-backup-settings"]
    # One copy of each object: no JSON, YAML or script text beside them.
    assert not {"manifest_json", "manifest_yaml", "script"} & set(after)
    assert not any(job["change"]["after_unknown"].values())
    volume = resource_change(plan, "backstop_nfs_backup_volume.mail")["change"]["after"]
    assert volume["claim_name"] == "mailserver-backup-host"
    assert volume["persistent_volume_claim_manifest"]["kind"] == "PersistentVolumeClaim"
    assert volume["persistent_volume_manifest"]["spec"]["csi"]["volumeAttributes"]["server"] == "nfs.home.arpa"
    alert = resource_change(plan, "backstop_backup_alert.mail")["change"]["after"]
    assert alert["manifest"]["kind"] == "PrometheusRule"
    rule_names = [r["alert"] for r in alert["manifest"]["spec"]["groups"][0]["rules"]]
    assert "MailserverBackupStale" in rule_names and "MailserverBackupNeverSucceeded" in rule_names
    assert alert["alert_names"] == rule_names

    workspace.run("apply", "-auto-approve", "tfplan")
    state = workspace.state()
    applied = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    assert applied["backstop_backup_job.mail"]["manifest"] == after["manifest"]
    assert applied["backstop_backup_job.mail"]["config_map_manifest"] == settings

    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, f"a second plan must show no changes:\n{second.stdout}{second.stderr}"

    workspace.write(mailserver(keep=4))
    update = resource_change(workspace.show_plan(), "backstop_backup_job.mail")
    assert update["change"]["actions"] == ["update"]
    # keep is a setting: the ConfigMap changes, the CronJob does not.
    assert update["change"]["after"]["config_map_manifest"]["data"]["KEEP_WEEKS"] == "4"
    assert update["change"]["before"]["config_map_manifest"]["data"]["KEEP_WEEKS"] == "8"
    assert update["change"]["after"]["manifest"] == update["change"]["before"]["manifest"]
    workspace.run("apply", "-auto-approve", "tfplan")

    workspace.write(mailserver(keep=4, name="mailserver2"))
    plan = workspace.show_plan()
    replace = resource_change(plan, "backstop_backup_job.mail")
    assert replace["change"]["actions"] == ["delete", "create"]
    assert ["name"] in replace["change"]["replace_paths"]
    # The alert follows the job's new cronjob_name, which is known at plan time: a replacement too.
    assert resource_change(plan, "backstop_backup_alert.mail")["change"]["actions"] == ["delete", "create"]
    workspace.run("apply", "-auto-approve", "tfplan")
    assert workspace.state()["values"]["root_module"]["resources"]

    workspace.run("destroy", "-auto-approve")
    assert "values" not in workspace.state() or not workspace.state()["values"].get("root_module", {}).get("resources")


def test_data_sources_are_read_at_plan_time(workspace):
    workspace.write(
        PROVIDER
        + """
data "backstop_backup_alert" "mail" {
  cronjob_name = "mailserver-backup"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
}

data "backstop_nfs_backup_volume" "mail" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
  nfs_path  = "/srv/nfs/mailserver-backup"
}

output "rule_group_yaml" { value = data.backstop_backup_alert.mail.rule_group_yaml }
output "volume_yaml" { value = data.backstop_nfs_backup_volume.mail.manifest_yaml }
output "pv_path" { value = data.backstop_nfs_backup_volume.mail.persistent_volume_manifest.spec.csi.volumeAttributes.share }
"""
    )
    plan = workspace.show_plan()
    # Read during plan: the data sources are in the plan's prior state, with their outputs.
    read = {r["address"]: r["values"] for r in plan["prior_state"]["values"]["root_module"]["resources"]}
    assert "MailserverBackupStale" in read["data.backstop_backup_alert.mail"]["rule_group_yaml"]
    assert plan["planned_values"]["outputs"]["pv_path"]["value"] == "/srv/nfs/mailserver-backup"
    volume_yaml = plan["planned_values"]["outputs"]["volume_yaml"]["value"]
    assert volume_yaml.count("\nkind:") + volume_yaml.startswith("kind:") == 2


def test_unknown_inputs_give_unknown_outputs_that_resolve_on_apply(workspace):
    workspace.write(
        'resource "terraform_data" "namespace" {\n  input = "mail"\n}\n'
        + mailserver(namespace="terraform_data.namespace.output")
    )
    plan = workspace.show_plan()
    job = resource_change(plan, "backstop_backup_job.mail")["change"]
    for output in ("id", "manifest", "config_map_manifest"):
        assert job["after_unknown"].get(output) is True, output
    # cronjob_name derives from the name alone, which is known.
    assert job["after"]["name"] == "mailserver"
    assert job["after"]["cronjob_name"] == "mailserver-backup"

    workspace.run("apply", "-auto-approve", "tfplan")
    values = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}
    job = values["backstop_backup_job.mail"]
    assert job["id"] == "mail/mailserver-backup"
    assert job["manifest"]["metadata"]["namespace"] == "mail"
    assert job["config_map_manifest"]["metadata"]["namespace"] == "mail"
    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, second.stdout


def test_unknown_provider_block_gives_unknown_outputs(workspace):
    workspace.write(
        """
resource "terraform_data" "server" {
  input = "nfs.lan"
}

provider "backstop" {
  nfs_server = terraform_data.server.output
}

resource "backstop_nfs_backup_volume" "mail" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}
"""
    )
    plan = workspace.show_plan()
    volume = resource_change(plan, "backstop_nfs_backup_volume.mail")["change"]
    assert volume["after_unknown"]["persistent_volume_manifest"] is True
    workspace.run("apply", "-auto-approve", "tfplan")
    values = workspace.state()["values"]["root_module"]["resources"]
    pv = next(r for r in values if r["address"] == "backstop_nfs_backup_volume.mail")["values"]["persistent_volume_manifest"]
    assert pv["spec"]["csi"]["volumeAttributes"]["server"] == "nfs.lan"


def test_import_then_plan_fills_the_outputs(workspace):
    workspace.write(
        PROVIDER
        + """
import {
  to = backstop_nfs_backup_volume.mail
  id = "mailserver/mailserver-backup-host"
}

resource "backstop_nfs_backup_volume" "mail" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}
"""
    )
    plan = workspace.show_plan()
    change = resource_change(plan, "backstop_nfs_backup_volume.mail")["change"]
    assert change["importing"]["id"] == "mailserver/mailserver-backup-host"
    assert change["after"]["claim_name"] == "mailserver-backup-host"
    workspace.run("apply", "-auto-approve", "tfplan")

    workspace.write(PROVIDER + 'import {\n  to = backstop_backup_job.x\n  id = "no-slash"\n}\n'
                    + 'resource "backstop_backup_job" "x" {\n  name = "x"\n  namespace = "x"\n  schedule = "@daily"\n'
                    + '  destination_claim = "x-backup-host"\n  strategy = "command"\n  command = "true"\n  source_claim = "x"\n}\n')
    failed = errors(workspace.run_json("plan", check=False))
    assert any("no-slash" in d["summary"] for d in failed), failed


def test_handles_stay_known_when_another_input_is_unknown(workspace):
    """`for_each` over a claim or CronJob name works even when the schedule or the provider
    block is known only at apply."""
    workspace.write(
        """
resource "terraform_data" "later" {
  input = "0 3 * * *"
}

resource "terraform_data" "server" {
  input = "nfs.lan"
}

provider "backstop" {
  nfs_server = terraform_data.server.output
}

resource "backstop_nfs_backup_volume" "mail" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}

resource "backstop_backup_job" "mail" {
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = terraform_data.later.output
  strategy          = "command"
  command           = "true"
  destination_claim = backstop_nfs_backup_volume.mail.claim_name
}

resource "backstop_backup_alert" "mail" {
  cronjob_name = backstop_backup_job.mail.cronjob_name
  namespace    = "mailserver"
  schedule     = terraform_data.later.output
}

resource "terraform_data" "per_claim" {
  for_each = toset([backstop_nfs_backup_volume.mail.claim_name, backstop_backup_job.mail.cronjob_name])
  input    = each.key
}
"""
    )
    plan = workspace.show_plan()
    volume = resource_change(plan, "backstop_nfs_backup_volume.mail")["change"]
    assert volume["after"]["id"] == "mailserver/mailserver-backup-host"
    assert volume["after"]["claim_name"] == "mailserver-backup-host"
    assert volume["after_unknown"]["persistent_volume_manifest"] is True
    job = resource_change(plan, "backstop_backup_job.mail")["change"]
    assert job["after"]["id"] == "mailserver/mailserver-backup"
    assert job["after"]["cronjob_name"] == "mailserver-backup"
    # The objects wait for every input (the ConfigMap's lock timing derives from the schedule).
    assert job["after_unknown"]["manifest"] is True and job["after_unknown"]["config_map_manifest"] is True
    alert = resource_change(plan, "backstop_backup_alert.mail")["change"]
    assert alert["after"]["id"] == "mailserver/mailserver-backup"
    assert alert["after"]["alert_names"][0] == "MailserverBackupStale"
    assert resource_change(plan, 'terraform_data.per_claim["mailserver-backup"]')
    workspace.run("apply", "-auto-approve", "tfplan")


def test_stale_after_function(workspace):
    workspace.write(
        """
output "daily" { value = provider::backstop::stale_after("0 3 * * *") }
output "six_hourly" { value = provider::backstop::stale_after("0 */6 * * *") }
output "weekly" { value = provider::backstop::stale_after("0 1 * * 0") }
"""
    )
    workspace.run("apply", "-auto-approve")
    outputs = json.loads(workspace.run("output", "-json").stdout)
    assert {k: v["value"] for k, v in outputs.items()} == {"daily": "36h", "six_hourly": "24h", "weekly": "8d"}

    workspace.write('output "bad" { value = provider::backstop::stale_after("61 * * * *") }\n')
    failed = errors(workspace.run_json("plan", check=False))
    assert failed and "61" in json.dumps(failed), failed


def test_an_input_invalid_only_at_apply_is_an_error_and_keeps_the_prior_state(workspace):
    job = """
resource "terraform_data" "schedule" {
  input = "%s"
}

resource "backstop_backup_job" "x" {
  name              = "x"
  namespace         = "x"
  schedule          = terraform_data.schedule.output
  strategy          = "command"
  command           = "true"
  destination_claim = "x-backup-host"
}
"""
    workspace.write(PROVIDER + job % "0 3 * * *")
    workspace.run("apply", "-auto-approve")
    before = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}

    # Unknown at plan, so planned as an update with unknown outputs; invalid once known.
    workspace.write(PROVIDER + job % "61 * * * *")
    failed = errors(workspace.run_json("apply", "-auto-approve", check=False))
    assert any("schedule" in d["snippet"]["code"] for d in failed if "snippet" in d), failed
    after = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}
    assert after["backstop_backup_job.x"] == before["backstop_backup_job.x"]


def test_plaintext_when_terraform_disables_tls(workspace):
    workspace.env["TF_DISABLE_PLUGIN_TLS"] = "1"
    workspace.write(PROVIDER + 'output "daily" { value = provider::backstop::stale_after("@daily") }\n')
    workspace.run("apply", "-auto-approve")
    assert json.loads(workspace.run("output", "-json").stdout)["daily"]["value"] == "36h"
    assert any("TLS off" in line for line in workspace.provider_log_lines())
