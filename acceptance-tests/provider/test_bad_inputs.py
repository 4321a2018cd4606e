"""Every bad input of the rendering core's list, written in HCL, is an error diagnostic
that Terraform places on the offending attribute (its source range and snippet)."""
import pytest

from provider_support import errors

PROVIDER = 'provider "backstop" {\n  nfs_server = "nfs.home.arpa"\n}\n'

# The valid job every case starts from; a case replaces some of these lines.
JOB = {
    "name": '"mailserver"',
    "namespace": '"mailserver"',
    "schedule": '"0 3 * * *"',
    "source_claim": '"mailserver-data-encrypted"',
    "destination_claim": '"mailserver-backup-host"',
    "mounts": '{\n    data = {\n      path     = "/var/mail"\n      sub_path = "data"\n    }\n  }',
}


def job(**overrides: str) -> str:
    attrs = {**JOB, **overrides}
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items() if v is not None)
    return f'resource "backstop_backup_job" "bad" {{\n{body}\n}}\n'


def mounts(path: str, sub_path: str = '"data"', folder: str = "data") -> str:
    return f'{{\n    {folder} = {{\n      path     = {path}\n      sub_path = {sub_path}\n    }}\n  }}'


def volume(**overrides: str) -> str:
    attrs = {"name": '"mailserver-backup-host"', "namespace": '"mailserver"', **overrides}
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items())
    return f'resource "backstop_nfs_backup_volume" "bad" {{\n{body}\n}}\n'


def alert(**overrides: str) -> str:
    attrs = {"cronjob_name": '"mailserver-backup"', "namespace": '"mailserver"', "schedule": '"0 3 * * *"', **overrides}
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items())
    return f'resource "backstop_backup_alert" "bad" {{\n{body}\n}}\n'


# The job of a drill or restore, written as an object (a `backstop_backup_job` converts the same way).
JOB_OBJECT = ('{\n    name = "mailserver"\n    namespace = "mailserver"\n    schedule = "0 3 * * *"\n'
              '    source_claim = "mailserver-data-encrypted"\n    destination_claim = "mailserver-backup-host"\n'
              '    mounts = { data = { path = "/var/mail" } }\n%s  }')
DUMP_JOB = ('{\n    name = "pg"\n    namespace = "dbaas"\n    schedule = "0 0 * * *"\n    strategy = "pg_dumpall"\n'
            '    host = "postgres.dbaas"\n    user = "postgres"\n    password_secret = { name = "pg", key = "password" }\n'
            '    destination_claim = "pg-backup-host"\n  }')


def drill(job_extra: str = "", job_object: str = "", **overrides: str) -> str:
    attrs = {"job": job_object or JOB_OBJECT % job_extra, **overrides}
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items() if v is not None)
    return f'resource "backstop_restore_test" "bad" {{\n{body}\n}}\n'


def restore(**overrides: str) -> str:
    attrs = {"job": JOB_OBJECT % "", "target_claim": '"mailserver-data-restored"', **overrides}
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items() if v is not None)
    return f'resource "backstop_restore" "bad" {{\n{body}\n}}\n'


# (case id, configuration, text found only on the offending line, attribute the error names).
# Terraform can place a path only down to one map key inside an attribute: an error on
# `mounts["data"].path` highlights the `data` entry and names the full path in its detail.
NESTED = 'mounts["data"]'
CASES = [
    ("uppercase name", job(name='"MailServer"'), "MailServer", "name"),
    ("over-long name", job(name='"' + "m" * 60 + '"'), "m" * 60, "name"),
    ("semicolon in name", job(name='"mail;reboot"'), "mail;reboot", "name"),
    ("space in name", job(name='"mail server"'), "mail server", "name"),
    ("newline in name", job(name='"mail\\nserver"'), "mail\\nserver", "name"),
    ("command substitution in path", job(mounts=mounts('"/var/$(reboot)"')), "data = {", NESTED + ".path"),
    ("backticks in path", job(mounts=mounts('"/var/`id`"')), "data = {", NESTED + ".path"),
    ("space in path", job(mounts=mounts('"/var/my mail"')), "data = {", NESTED + ".path"),
    ("relative path", job(mounts=mounts('"var/mail"')), "data = {", NESTED + ".path"),
    ("dot-dot in path", job(mounts=mounts('"/var/../etc"')), "data = {", NESTED + ".path"),
    ("dot-dot in sub_path", job(mounts=mounts('"/var/mail"', sub_path='"../other"')), "data = {", NESTED + ".sub_path"),
    ("semicolon in sub_path", job(mounts=mounts('"/var/mail"', sub_path='"data;rm"')), "data = {", NESTED + ".sub_path"),
    (
        "duplicate destination folders",
        job(mounts='{\n    data = { path = "/var/mail" }\n    Data = { path = "/var/mail-state" }\n  }'),
        'data = { path = "/var/mail" }',
        "data",
    ),
    ("invalid cron", job(schedule='"61 * * * *"'), "61 * * * *", "schedule"),
    ("invalid cron field count", job(schedule='"0 3 * *"'), "0 3 * *", "schedule"),
    ("empty mounts for rsync", job(mounts="{}"), "mounts = {}", "mounts"),
    ("uppercase namespace", job(namespace='"Mail"'), '"Mail"', "namespace"),
    ("relative nfs_path", volume(nfs_path='"srv/nfs/mail"'), "srv/nfs/mail", "nfs_path"),
    ("backticks in nfs_path", volume(nfs_path='"/srv/`id`"'), "/srv/`id`", "nfs_path"),
    ("uppercase volume name", volume(name='"Mail-Backup"'), "Mail-Backup", "name"),
    ("bad stale_after", alert(stale_after='"soon"'), '"soon"', "stale_after"),
    ("invalid alert schedule", alert(schedule='"every day"'), "every day", "schedule"),
    ("time zone not in the tz database", job(time_zone='"Mars/Olympus"'), "Mars/Olympus", "time_zone"),
    ("keep 0", job(keep="0"), "keep = 0", "keep"),
    ("managed-by label", job(labels='{ "app.kubernetes.io/managed-by" = "argocd" }'), "argocd", "labels"),
    ("every alert rule off", alert(stale="false", never_succeeded="false", failed="false", missing="false",
                                   suspended="false"), "stale = false", "stale"),
    ("drill schedule", drill(schedule='"61 * * * *"'), "61 * * * *", "schedule"),
    ("drill verify_fraction above 1", drill(verify_fraction="2"), "verify_fraction = 2", "verify_fraction"),
    ("drill verify_fraction 0", drill(verify_fraction="0"), "verify_fraction = 0", "verify_fraction"),
    ("drill check_query on rsync", drill(check_query='"SELECT 1"'), "SELECT 1", "check_query"),
    ("drill min_rows without query", drill(min_rows="5"), "min_rows = 5", "min_rows"),
    ("drill min_rows negative", drill(min_rows="-1"), "min_rows = -1", "min_rows"),
    ("drill server_version on rsync", drill(server_version='"16"'), '"16"', "server_version"),
    ("dump drill server_version", drill(job_object=DUMP_JOB, server_version='"16.2"'), "16.2", "server_version"),
    ("dump drill check_database without query", drill(job_object=DUMP_JOB, server_version='"16"',
                                                      check_database='"app"'), '"app"', "check_database"),
    # An error in the job object is placed on `job`, and its detail names the job's attribute.
    ("drill job name", drill(job_object=(JOB_OBJECT % "").replace('"mailserver"', '"Mail;x"', 1)), "job = {",
     "job.name"),
    ("drill job keep", drill(job_extra='    keep = 0\n'), "job = {", "job.keep"),
    ("restore snapshot", restore(snapshot='"last-week"'), "last-week", "snapshot"),
    ("restore folder", restore(folder='"mail"'), '"mail"', "folder"),
    ("restore target_path", restore(target_path='"../etc"'), "../etc", "target_path"),
    ("restore target_path absolute", restore(target_path='"/etc"'), '"/etc"', "target_path"),
    ("dump restore target_claim", restore(job=DUMP_JOB), "target_claim =", "target_claim"),
    ("alert restore_test_schedule", alert(restore_test_schedule='"weekly"'), '"weekly"', "restore_test_schedule"),
]


def diagnostics_for(workspace, config: str) -> list[dict]:
    workspace.write(PROVIDER + config)
    found = errors(workspace.run_json("validate", check=False))
    if not found:
        # Errors on attributes that provider defaults could fill wait for the plan.
        found = errors(workspace.run_json("plan", check=False))
    return found


@pytest.mark.parametrize("case,config,marker,attribute", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_an_error_on_the_attribute(workspace, case, config, marker, attribute):
    found = diagnostics_for(workspace, config)
    assert found, f"{case}: no error diagnostic"
    source = (workspace.path / "main.tf").read_text().splitlines()
    expected_line = next(i for i, line in enumerate(source, start=1) if marker in line)
    on_line = [d for d in found if d.get("range", {}).get("start", {}).get("line") == expected_line]
    assert on_line, f"{case}: no error on line {expected_line} ({source[expected_line - 1]!r}): {found}"
    named = [d for d in on_line if attribute in d["summary"] + d.get("detail", "") + d["snippet"]["code"]]
    assert named, f"{case}: the error does not name {attribute}: {on_line}"


def test_missing_password_secret_for_dumps_names_the_attribute(workspace):
    config = job(
        strategy='"pg_dumpall"', source_claim=None, mounts=None, host='"postgres.dbaas"', user='"postgres"'
    )
    found = diagnostics_for(workspace, config)
    assert any("password_secret" in d["summary"] + d.get("detail", "") for d in found), found
    # A missing attribute has no source of its own: Terraform points at the resource block.
    assert all(d["range"]["start"]["line"] >= 4 for d in found)


def test_bad_data_source_input_is_an_error_on_the_attribute(workspace):
    workspace.write(PROVIDER + 'data "backstop_backup_alert" "bad" {\n  cronjob_name = "Mail;backup"\n  namespace = "mail"\n}\n')
    found = errors(workspace.run_json("validate", check=False))
    source = (workspace.path / "main.tf").read_text().splitlines()
    line = next(i for i, text in enumerate(source, start=1) if "Mail;backup" in text)
    assert any(d["range"]["start"]["line"] == line and "cronjob_name" in d["snippet"]["code"] for d in found), found


def test_bad_provider_block_is_an_error_on_its_attribute(workspace):
    workspace.write(
        'provider "backstop" {\n  nfs_server    = "nfs.home.arpa"\n  nfs_base_path = "srv/nfs"\n}\n'
        + volume()
    )
    found = errors(workspace.run_json("plan", check=False))
    assert any("nfs_base_path" in d["snippet"]["code"] for d in found), found


def test_a_time_zone_typo_gets_a_suggestion_and_real_zones_pass(workspace):
    found = diagnostics_for(workspace, job(time_zone='"Europe/Berln"'))
    assert [d["summary"] for d in found] == ['"Europe/Berln" is not in the IANA time zone database'], found
    assert found[0]["detail"].startswith("did you mean Europe/Berlin?"), found
    for zone in ("GMT", "EST5EDT", "America/Argentina/Buenos_Aires"):
        workspace.write(PROVIDER + job(time_zone=f'"{zone}"'))
        assert not errors(workspace.run_json("plan", check=False)), zone


def test_the_keep_error_states_the_real_range(workspace):
    for keep in ("0", "-1", "4294967296", "1.5"):
        found = diagnostics_for(workspace, job(keep=keep))
        assert any(d["summary"] == "keep must be a whole number from 1 to 4294967295" for d in found), (keep, found)


def test_a_huge_value_is_quoted_short_in_the_summary(workspace):
    found = diagnostics_for(workspace, job(name='"' + "M" * 100_000 + '"'))
    assert found
    for d in found:
        assert len(d["summary"]) <= 200, d["summary"][:300]
        assert len(d["detail"]) <= 400, d["detail"][:500]
    assert any("(100000 characters)" in d["summary"] for d in found), [d["summary"][:200] for d in found]


def test_a_file_restore_without_a_target_names_target_claim(workspace):
    found = diagnostics_for(workspace, restore(target_claim=None))
    assert [d["summary"] for d in found] == ["a restore of files needs the claim to restore into"], found
    assert "target_claim" in found[0]["detail"]


def test_a_dump_drill_without_server_version_names_it(workspace):
    found = diagnostics_for(workspace, drill(job_object=DUMP_JOB))
    assert any("server_version" in d["summary"] + d["detail"] for d in found), found
