"""A drill of a backup that starts every minute has no free default slot: the plan warns
on the drill's `schedule` and says how to set it, and still plans the drill."""

STACK = """
provider "backstop" {
  nfs_server = "nfs.home.arpa"
}

resource "backstop_backup_job" "mail" {
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = "%s"
  source_claim      = "mailserver-data-encrypted"
  destination_claim = "mailserver-backup-host"
  mounts = {
    data = { path = "/var/mail" }
  }
}

resource "backstop_restore_test" "mail" {
  job = backstop_backup_job.mail
%s}
"""


def diagnostics(messages: list[dict], severity: str) -> list[dict]:
    return [m["diagnostic"] for m in messages
            if m.get("type") == "diagnostic" and m["diagnostic"]["severity"] == severity]


def test_a_drill_sharing_the_backups_slot_is_warned_at_plan(workspace):
    workspace.write(STACK % ("* * * * *", ""))
    messages = workspace.run_json("plan")
    assert diagnostics(messages, "error") == []
    warned = diagnostics(messages, "warning")
    ours = [w for w in warned if "shares a slot with a backup run" in w["summary"]]
    assert len(ours) == 1, warned
    assert ours[0]["address"] == "backstop_restore_test.mail", ours
    assert '"* * * * *"' in ours[0]["summary"] and '"0 2 * * 0"' in ours[0]["summary"], ours
    assert "set the drill's `schedule` to a time the backup does not start" in ours[0]["detail"], ours
    planned = [m for m in messages if m.get("type") == "planned_change"]
    assert any(m["change"]["resource"]["addr"] == "backstop_restore_test.mail" for m in planned), planned


def test_no_warning_with_a_free_slot_or_an_explicit_schedule(workspace):
    for job_schedule, drill in (("0 3 * * *", ""), ("* * * * *", '  schedule = "0 2 * * 0"\n')):
        workspace.write(STACK % (job_schedule, drill))
        messages = workspace.run_json("plan")
        assert not [w for w in diagnostics(messages, "warning") if "shares a slot" in w["summary"]], messages
