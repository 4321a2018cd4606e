"""`backstop_restore_test` and `backstop_restore` through real Terraform: a whole
`backstop_backup_job` resource converts to their `job` attribute (Terraform drops the
job's computed attributes); create, a clean second plan, in-place updates, the drill's
derived schedule following the job and feeding the alert's `restore_test_schedule`,
replacement on the job's name, destroy, import with the resource's own id."""
import json
import re

from provider_support import REPO, errors, resource_change

PROVIDER = """
provider "backstop" {
  nfs_server = "nfs.home.arpa"
}
"""

# The inputs of backstop_backup_job.mail as written below, as Terraform plans them
# (every optional input the stack leaves unset is null).
JOB_INPUTS = {"name", "namespace", "schedule", "source_claim", "destination_claim", "mounts"}
# What the job computes; `job = backstop_backup_job.<name>` drops them in the conversion.
JOB_COMPUTED = {"id", "cronjob_name", "manifest", "config_map_manifest"}


def stack(name: str = "mailserver", job_schedule: str = "0 3 * * *", drill: str = "", restore: str = "",
          namespace: str = '"mailserver"') -> str:
    return PROVIDER + f"""
resource "backstop_backup_job" "mail" {{
  name              = "{name}"
  namespace         = {namespace}
  schedule          = "{job_schedule}"
  source_claim      = "mailserver-data-encrypted"
  destination_claim = "mailserver-backup-host"
  mounts = {{
    data  = {{ path = "/var/mail", sub_path = "data" }}
    state = {{ path = "/var/mail-state", sub_path = "state" }}
  }}
}}

resource "backstop_restore_test" "mail" {{
  job = backstop_backup_job.mail
{drill}}}

resource "backstop_restore" "mail" {{
  job          = backstop_backup_job.mail
  folder       = "data"
  target_claim = "mailserver-data-restored"
{restore}}}

resource "backstop_backup_alert" "mail" {{
  cronjob_name          = backstop_backup_job.mail.cronjob_name
  namespace             = backstop_backup_job.mail.namespace
  schedule              = backstop_backup_job.mail.schedule
  restore_test_schedule = backstop_restore_test.mail.schedule
}}
"""


def actions(plan: dict) -> dict[str, list[str]]:
    return {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}


def test_a_job_resource_converts_to_the_job_attribute(workspace):
    workspace.write(stack())
    plan = workspace.show_plan()
    job = resource_change(plan, "backstop_backup_job.mail")["change"]["after"]
    for address in ("backstop_restore_test.mail", "backstop_restore.mail"):
        given = resource_change(plan, address)["change"]["after"]["job"]
        # The job's computed attributes are gone; every input arrived, set or null.
        assert not JOB_COMPUTED & set(given), address
        assert given == {k: v for k, v in job.items() if k not in JOB_COMPUTED}, address
        assert {k for k, v in given.items() if v is not None} == JOB_INPUTS, address


def test_create_replan_update_replace_destroy(workspace):
    workspace.write(stack())
    plan = workspace.show_plan()
    assert all(a == ["create"] for a in actions(plan).values())
    drill = resource_change(plan, "backstop_restore_test.mail")["change"]
    after = drill["after"]
    # Known at plan: the handles, the default schedule (Sunday, two hours after 03:00), the CronJob.
    assert after["id"] == "mailserver/mailserver-restore-test"
    assert after["cronjob_name"] == "mailserver-restore-test"
    assert after["schedule"] == "0 5 * * 0"
    assert after["manifest"]["kind"] == "CronJob" and after["manifest"]["spec"]["schedule"] == "0 5 * * 0"
    assert after["manifest"]["metadata"] == {**after["manifest"]["metadata"], "name": "mailserver-restore-test",
                                             "namespace": "mailserver"}
    assert not any(drill["after_unknown"].values()), drill["after_unknown"]
    # A resource holds one object and no text copy.
    assert not {"script", "manifest_yaml", "manifest_json"} & set(after)
    restore = resource_change(plan, "backstop_restore.mail")["change"]["after"]
    assert restore["id"] == "mailserver/mailserver-restore" and restore["job_name"] == "mailserver-restore"
    assert restore["manifest"]["kind"] == "Job" and restore["manifest"]["metadata"]["name"] == "mailserver-restore"
    volumes = restore["manifest"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "target", "persistentVolumeClaim": {"claimName": "mailserver-data-restored"}} in volumes
    alert = resource_change(plan, "backstop_backup_alert.mail")["change"]["after"]
    assert alert["restore_test_schedule"] == "0 5 * * 0"
    assert alert["alert_names"][-2:] == ["MailserverRestoreTestFailed", "MailserverRestoreTestStale"]
    rules = alert["manifest"]["spec"]["groups"][0]["rules"]
    assert [r["alert"] for r in rules] == alert["alert_names"]
    assert "mailserver-restore-test" in rules[-1]["expr"]

    workspace.run("apply", "-auto-approve", "tfplan")
    state = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}
    assert state["backstop_restore_test.mail"]["manifest"] == after["manifest"]
    assert state["backstop_restore.mail"]["manifest"] == restore["manifest"]
    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, f"a second plan must show no changes:\n{second.stdout}{second.stderr}"

    # Drill and restore inputs update in place, and touch nothing else.
    workspace.write(stack(drill="  verify_fraction = 0.25\n", restore="  target_path = \"mail/data\"\n"))
    plan = workspace.show_plan()
    assert actions(plan) == {"backstop_backup_job.mail": ["no-op"], "backstop_restore_test.mail": ["update"],
                             "backstop_restore.mail": ["update"], "backstop_backup_alert.mail": ["no-op"]}
    script = resource_change(plan, "backstop_restore_test.mail")["change"]["after"]["manifest"]["spec"][
        "jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert "0.25" in script
    workspace.run("apply", "-auto-approve", "tfplan")

    # An explicit schedule is used, and the alert follows it.
    workspace.write(stack(drill='  schedule = "15 6 * * 6"\n'))
    plan = workspace.show_plan()
    assert resource_change(plan, "backstop_restore_test.mail")["change"]["after"]["schedule"] == "15 6 * * 6"
    assert resource_change(plan, "backstop_backup_alert.mail")["change"]["after"]["restore_test_schedule"] == "15 6 * * 6"
    workspace.run("apply", "-auto-approve", "tfplan")

    # Removing it, and moving the backup, gives the default derived from the new backup
    # schedule, not the schedule left in state.
    workspace.write(stack(job_schedule="0 4 * * *"))
    plan = workspace.show_plan()
    drill = resource_change(plan, "backstop_restore_test.mail")["change"]
    assert drill["actions"] == ["update"] and drill["after"]["schedule"] == "0 6 * * 0"
    assert resource_change(plan, "backstop_backup_alert.mail")["change"]["after"]["restore_test_schedule"] == "0 6 * * 0"
    workspace.run("apply", "-auto-approve", "tfplan")
    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, second.stdout

    # Another job name is another CronJob and another Job: both are replaced, on job.name.
    workspace.write(stack(name="mail2", job_schedule="0 4 * * *"))
    plan = workspace.show_plan()
    for address in ("backstop_restore_test.mail", "backstop_restore.mail"):
        change = resource_change(plan, address)
        assert change["change"]["actions"] == ["delete", "create"], address
        assert change["change"]["replace_paths"] == [["job", "name"]], address
    assert resource_change(plan, "backstop_restore_test.mail")["change"]["after"]["cronjob_name"] == "mail2-restore-test"
    workspace.run("apply", "-auto-approve", "tfplan")

    workspace.run("destroy", "-auto-approve")
    assert not workspace.state().get("values", {}).get("root_module", {}).get("resources")


def test_unknown_job_inputs_leave_the_handles_they_do_not_feed_known(workspace):
    workspace.write('resource "terraform_data" "ns" {\n  input = "mail"\n}\n'
                    + stack(namespace="terraform_data.ns.output"))
    plan = workspace.show_plan()
    drill = resource_change(plan, "backstop_restore_test.mail")["change"]
    assert drill["after"]["cronjob_name"] == "mailserver-restore-test"
    assert drill["after"]["schedule"] == "0 5 * * 0"
    assert drill["after_unknown"]["id"] is True and drill["after_unknown"]["manifest"] is True
    restore = resource_change(plan, "backstop_restore.mail")["change"]
    assert restore["after"]["job_name"] == "mailserver-restore" and restore["after_unknown"]["id"] is True
    workspace.run("apply", "-auto-approve", "tfplan")
    state = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}
    assert state["backstop_restore_test.mail"]["id"] == "mail/mailserver-restore-test"
    assert state["backstop_restore.mail"]["manifest"]["metadata"]["namespace"] == "mail"
    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, second.stdout


def test_import_with_the_resources_own_id(workspace):
    imports = """
import {
  to = backstop_restore_test.mail
  id = "mailserver/mailserver-restore-test"
}

import {
  to = backstop_restore.mail
  id = "mailserver/mailserver-restore"
}
"""
    workspace.write(stack() + imports)
    plan = workspace.show_plan()
    for address, name in (("backstop_restore_test.mail", "mailserver-restore-test"),
                          ("backstop_restore.mail", "mailserver-restore")):
        change = resource_change(plan, address)["change"]
        assert change["importing"]["id"] == f"mailserver/{name}", address
        # The ID gives the job's name and namespace: no replacement, the rest is filled in place.
        assert change["actions"] == ["update"], (address, change["actions"])
        assert change["before"]["id"] == change["after"]["id"] == f"mailserver/{name}"
    workspace.run("apply", "-auto-approve", "tfplan")
    second = workspace.run("plan", "-detailed-exitcode", check=False)
    assert second.returncode == 0, second.stdout

    for address, bad in (("backstop_restore_test.mail", "mailserver/mailserver-backup"),
                         ("backstop_restore.mail", "mailserver-restore"),
                         ("backstop_restore.mail", "mailserver/-restore")):
        workspace.run("state", "rm", address, check=False)
        workspace.write(stack() + f'import {{\n  to = {address}\n  id = {json.dumps(bad)}\n}}\n')
        failed = errors(workspace.run_json("plan", check=False))
        assert any(bad in d["summary"] and "<namespace>/" in d["detail"] for d in failed), failed


def test_the_restore_guides_terraform_blocks_plan(workspace):
    """docs/guides/restore.md's Terraform blocks, next to the job they name, plan and apply,
    and the restore's YAML is there for `terraform output -raw`."""
    guide = (REPO / "docs" / "guides" / "restore.md").read_text()
    blocks = re.findall(r"^```terraform\n(.*?)^```", guide, re.S | re.M)
    assert len(blocks) == 2, blocks
    job = stack().split('resource "backstop_restore_test"')[0].replace('"backstop_backup_job" "mail"',
                                                                       '"backstop_backup_job" "mailserver"')
    workspace.write(job + "\n".join(blocks))
    plan = workspace.show_plan()
    alert = resource_change(plan, "backstop_backup_alert.mailserver")["change"]["after"]
    assert alert["restore_test_schedule"] == "0 5 * * 0"
    workspace.run("apply", "-auto-approve", "tfplan")
    # As the guide runs it, once the job exists.
    restore = workspace.run("output", "-raw", "mailserver_restore").stdout
    assert restore.startswith("apiVersion: batch/v1\nkind: Job\n") and "mailserver-data-restored" in restore


def test_checks_that_need_the_job_wait_for_it(workspace):
    """`terraform validate` knows no resource's values: a drill's checks that depend on its
    job's strategy wait for the plan, which reports them on the attribute."""
    sqlite_job = PROVIDER + """
resource "backstop_backup_job" "vw" {
  name              = "vaultwarden"
  namespace         = "vaultwarden"
  schedule          = "0 */6 * * *"
  strategy          = "%s"
  source_claim      = "vaultwarden-data"
  mounts            = { data = { path = "/data" } }
  database          = "/data/db.sqlite3"
  destination_claim = "vaultwarden-backup-host"
}

resource "backstop_restore_test" "vw" {
  job         = backstop_backup_job.vw
  check_query = "SELECT count(*) FROM users"
}
"""
    workspace.write(sqlite_job % "sqlite")
    assert workspace.run_json("validate")[0]["valid"] is True
    plan = workspace.show_plan()
    script = resource_change(plan, "backstop_restore_test.vw")["change"]["after"]["manifest"]["spec"][
        "jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert "SELECT count(*) FROM users" in script

    # The same drill on an rsync job: valid until the job is known, then an error on check_query.
    workspace.write((sqlite_job % "rsync").replace('  database          = "/data/db.sqlite3"\n', ""))
    assert workspace.run_json("validate")[0]["valid"] is True
    failed = errors(workspace.run_json("plan", check=False))
    assert [d["summary"] for d in failed] == ["check_query applies to sqlite and dump jobs only"], failed
    assert failed[0]["snippet"]["code"].strip().startswith("check_query"), failed
