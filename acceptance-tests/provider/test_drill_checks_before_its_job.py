"""A drill whose `job` is a reference to a job not planned yet still has its own
attributes checked by `terraform validate`: their range does not depend on the job."""
from provider_support import errors

JOB = '''resource "backstop_backup_job" "mail" {
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = "0 3 * * *"
  source_claim      = "mailserver-data-encrypted"
  destination_claim = "mailserver-backup-host"
  mounts = {
    data = { path = "/var/mail" }
  }
}
'''


def drill(*lines: str) -> str:
    body = "\n".join(f"  {line}" for line in ("job = backstop_backup_job.mail", *lines))
    return JOB + f'\nresource "backstop_restore_test" "mail" {{\n{body}\n}}\n'


def validate_errors(workspace, config: str) -> list[dict]:
    workspace.write(config)
    return errors(workspace.run_json("validate", check=False))


def line_of(workspace, marker: str) -> int:
    source = (workspace.path / "main.tf").read_text().splitlines()
    return next(i for i, text in enumerate(source, start=1) if marker in text)


def test_verify_fraction_out_of_range_fails_validate_on_its_line(workspace):
    found = validate_errors(workspace, drill("verify_fraction = 2"))
    assert [d["summary"] for d in found] == ["2 is not a share of the files"], found
    assert found[0]["range"]["start"]["line"] == line_of(workspace, "verify_fraction = 2"), found
    assert "verify_fraction" in found[0]["snippet"]["code"], found


def test_min_rows_without_check_query_fails_validate_on_its_line(workspace):
    found = validate_errors(workspace, drill("min_rows = 5"))
    assert [d["summary"] for d in found] == ["min_rows has no check_query to apply to"], found
    assert found[0]["range"]["start"]["line"] == line_of(workspace, "min_rows = 5"), found


def test_checks_that_need_the_job_still_wait_for_it(workspace):
    # check_query on an rsync job is wrong, but only the job's strategy says so: validate
    # passes, the plan reports it.
    config = drill('check_query = "SELECT 1"')
    assert validate_errors(workspace, config) == []
    planned = errors(workspace.run_json("plan", check=False))
    assert [d["summary"] for d in planned] == ["check_query applies to sqlite and dump jobs only"], planned


def test_an_own_attribute_not_known_yet_defers_the_own_checks(workspace):
    # min_rows with a check_query from a variable: validate cannot tell the query is set.
    config = 'variable "query" {\n  type = string\n}\n' + drill("check_query = var.query", "min_rows = 5")
    assert validate_errors(workspace, config) == []
