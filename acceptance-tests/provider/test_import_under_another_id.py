"""Importing a drill or a restore under the id of another job's object: Terraform gives
ImportResourceState only the id, so the mismatch shows at the next plan, which must stop
with an error naming the id imported and the one the configuration makes, instead of
planning a silent replacement of what was just imported."""
import pytest

from provider_support import errors

STACK = """
provider "backstop" {
  nfs_server = "nfs.home.arpa"
}

resource "backstop_backup_job" "mail" {
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = "0 3 * * *"
  source_claim      = "mailserver-data-encrypted"
  destination_claim = "mailserver-backup-host"
  mounts = {
    data = { path = "/var/mail", sub_path = "data" }
  }
}

resource "backstop_restore_test" "mail" {
  job = backstop_backup_job.mail
}

resource "backstop_restore" "mail" {
  job          = backstop_backup_job.mail
  target_claim = "mailserver-data-restored"
}
"""

CASES = [
    ("backstop_restore.mail", "mailserver/wiki-restore", "mailserver/mailserver-restore"),
    ("backstop_restore.mail", "other/mailserver-restore", "mailserver/mailserver-restore"),
    ("backstop_restore_test.mail", "mailserver/wiki-restore-test", "mailserver/mailserver-restore-test"),
]


def assert_names_both(found: list[dict], imported: str, right: str) -> None:
    named = [d for d in found if imported in d["summary"] + d["detail"] and right in d["summary"] + d["detail"]]
    assert named, found


@pytest.mark.parametrize("address,imported,right", CASES)
def test_an_import_block_with_another_jobs_id_fails_the_plan(workspace, address, imported, right):
    workspace.write(STACK + f'import {{\n  to = {address}\n  id = "{imported}"\n}}\n')
    done = workspace.run("plan", "-no-color", check=False)
    assert done.returncode == 1, done.stdout
    assert_names_both(errors(workspace.run_json("plan", check=False)), imported, right)
    # With the id the configuration makes, the same import plans.
    workspace.write(STACK + f'import {{\n  to = {address}\n  id = "{right}"\n}}\n')
    assert not errors(workspace.run_json("plan", check=False))


def test_terraform_import_with_another_jobs_id_fails_the_next_plan(workspace):
    workspace.write(STACK)
    # The import command has only the id: it succeeds, and the next plan says what is wrong.
    workspace.run("import", "backstop_restore.mail", "mailserver/wiki-restore")
    found = errors(workspace.run_json("plan", check=False))
    assert_names_both(found, "mailserver/wiki-restore", "mailserver/mailserver-restore")
    assert "terraform state rm" in found[0]["detail"] and found[0]["address"] == "backstop_restore.mail", found


def test_a_restore_moved_to_another_job_after_apply_is_still_replaced(workspace):
    workspace.write(STACK)
    workspace.run("apply", "-auto-approve")
    workspace.write(STACK.replace('name              = "mailserver"', 'name              = "wiki"'))
    plan = workspace.show_plan()
    changes = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}
    assert changes["backstop_restore.mail"] == ["delete", "create"], changes
