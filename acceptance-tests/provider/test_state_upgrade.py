"""State written by earlier versions, and import: the 0.1.0 fixture (applied by the 0.1.0
provider, see fixtures/state-0.1.0/make-state.sh) upgrades to schema 1 changing no value
(a plan shows only what this version renders differently, and converges to a fresh install);
so does a schema-1 state written before the job had `config_map_manifest`
(fixtures/state-v1/make-state.sh); legacy `attributes_flat` state is an error that names the
way out; import takes the resource's own `id`; `-generate-config-out` output validates once
filled."""
import json
import re
import shutil

from plan_output_support import MirrorWorkspace
from provider_support import REPO

FIXTURE = REPO / "acceptance-tests" / "provider" / "fixtures" / "state-0.1.0"
# The same configuration (FIXTURE / "main.tf") applied by the schema-1 provider of commit
# beb7526, the last before the job's settings moved into a ConfigMap.
FIXTURE_V1 = REPO / "acceptance-tests" / "provider" / "fixtures" / "state-v1"
TEXTS = {"manifest_json", "manifest_yaml", "script", "rule_group", "rule_group_yaml"}
# The job's objects: what this version may render differently from the one that wrote the state.
JOB_OBJECTS = {"manifest", "config_map_manifest"}


def fixture_stack(tmp_path, provider_bin, fixture=FIXTURE) -> MirrorWorkspace:
    ws = MirrorWorkspace(tmp_path, provider_bin)
    shutil.copy(FIXTURE / "main.tf", ws.stack / "main.tf")
    shutil.copy(fixture / "terraform.tfstate", ws.stack / "terraform.tfstate")
    ws.init()
    return ws


def fresh_job_objects(path, provider_bin) -> dict:
    """The job's objects as this provider plans them for the fixture's config in a new stack."""
    path.mkdir()
    ws = MirrorWorkspace(path, provider_bin)
    shutil.copy(FIXTURE / "main.tf", ws.stack / "main.tf")
    ws.init()
    ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    changes = json.loads(ws.run("show", "-json", "tfplan").stdout)["resource_changes"]
    after = next(c for c in changes if c["address"] == "backstop_backup_job.mailserver")["change"]["after"]
    return {name: after[name] for name in JOB_OBJECTS}


def test_the_0_1_0_state_upgrades_with_no_planned_change(tmp_path, provider_bin):
    old = json.loads((FIXTURE / "terraform.tfstate").read_text())
    assert {r["instances"][0]["schema_version"] for r in old["resources"]} == {0}
    assert "manifest_yaml" in next(r for r in old["resources"] if r["type"] == "backstop_backup_job")[
        "instances"][0]["attributes"]
    ws = fixture_stack(tmp_path, provider_bin)

    # The upgrade itself changes no value. What a plan may still show, and nothing else:
    # - the job's `manifest`, where this version renders the CronJob differently from 0.1.0
    #   (the fault-safe scripts and `activeDeadlineSeconds` of this release, the settings read
    #   with envFrom), and its `config_map_manifest` (the settings ConfigMap, which 0.1.0 did
    #   not have): those changes are real, the user must see them, and they equal what this
    #   provider renders for the config;
    # - an in-place update of the job for `password_secret`'s sensitivity: 0.1.0 marked it
    #   sensitive and the mark is kept in state until an apply rewrites it (a sensitivity
    #   change is an Update to Terraform, values equal or not).
    ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    changes = {c["address"]: c["change"] for c in json.loads(ws.run("show", "-json", "tfplan").stdout)["resource_changes"]}
    old_by_type = {r["type"]: r["instances"][0]["attributes"] for r in old["resources"]}
    rendered = fresh_job_objects(tmp_path / "fresh", provider_bin)
    for address, change in changes.items():
        before = {k: v for k, v in change["before"].items() if k not in JOB_OBJECTS}
        after = {k: v for k, v in change["after"].items() if k not in JOB_OBJECTS}
        assert before == after, address
        if change["actions"] != ["no-op"]:
            assert address == "backstop_backup_job.mailserver" and change["actions"] == ["update"], address
            assert change["before"]["manifest"] == old_by_type["backstop_backup_job"]["manifest"]["value"]
            assert change["before"]["config_map_manifest"] is None
            assert {name: change["after"][name] for name in JOB_OBJECTS} == rendered
    ws.run("apply", "-input=false", "-no-color", "tfplan")

    state = json.loads((ws.stack / "terraform.tfstate").read_text())
    for resource in state["resources"]:
        instance = resource["instances"][0]
        assert instance["schema_version"] == 1, resource["type"]
        assert not TEXTS & set(instance["attributes"]), resource["type"]
    by_type = {r["type"]: r["instances"][0]["attributes"] for r in state["resources"]}
    assert by_type["backstop_backup_alert"]["alert_names"] == [
        r["alert"] for r in old_by_type["backstop_backup_alert"]["rule_group"]["value"]["rules"]]
    plan = ws.no_change()
    assert plan.returncode == 0 and "No changes." in plan.stdout, plan.stdout + plan.stderr


def container(cronjob: dict) -> dict:
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]


def test_a_schema_1_state_without_the_settings_config_map_upgrades_to_one_in_place_update(tmp_path, provider_bin):
    old = json.loads((FIXTURE_V1 / "terraform.tfstate").read_text())
    assert {r["instances"][0]["schema_version"] for r in old["resources"]} == {1}
    old_job = next(r for r in old["resources"] if r["type"] == "backstop_backup_job")["instances"][0]["attributes"]
    assert "config_map_manifest" not in old_job
    old_env = {e["name"]: e["value"] for e in container(old_job["manifest"]["value"])["env"]}
    assert "KEEP_WEEKS" in old_env and "PUSHGATEWAY_URL" in old_env  # the settings were in the CronJob then
    ws = fixture_stack(tmp_path, provider_bin, FIXTURE_V1)

    # No schema version bump: Terraform hands the stored JSON over as it is, the missing
    # attribute reads as null, and the first plan is one in-place update of the job adding
    # the ConfigMap and moving the CronJob's settings to it. Never a replacement, nothing
    # else changes, and the values are the ones the old CronJob carried.
    plan = ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    print(f"upgrade plan from schema-1 state without config_map_manifest: {len(plan.stdout.splitlines())} lines")
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout, plan.stdout
    assert "+ config_map_manifest = {" in plan.stdout
    changes = {c["address"]: c["change"] for c in json.loads(ws.run("show", "-json", "tfplan").stdout)["resource_changes"]}
    rendered = fresh_job_objects(tmp_path / "fresh", provider_bin)
    for address, change in changes.items():
        if address != "backstop_backup_job.mailserver":
            assert change["actions"] == ["no-op"], address
    job = changes["backstop_backup_job.mailserver"]
    assert job["actions"] == ["update"]
    assert {k: v for k, v in job["before"].items() if k not in JOB_OBJECTS} == \
        {k: v for k, v in job["after"].items() if k not in JOB_OBJECTS}
    assert job["before"]["config_map_manifest"] is None
    assert job["before"]["manifest"] == old_job["manifest"]["value"]
    assert {name: job["after"][name] for name in JOB_OBJECTS} == rendered
    settings = job["after"]["config_map_manifest"]
    assert settings["data"] == {k: v for k, v in old_env.items() if k != "BACKUP_DIR"}
    new_container = container(job["after"]["manifest"])
    assert [source["configMapRef"]["name"] for source in new_container["envFrom"]] == [settings["metadata"]["name"]]
    assert new_container["env"] == [{"name": "BACKUP_DIR", "value": old_env["BACKUP_DIR"]}]

    ws.run("apply", "-input=false", "-no-color", "tfplan")
    state = json.loads((ws.stack / "terraform.tfstate").read_text())
    assert {r["instances"][0]["schema_version"] for r in state["resources"]} == {1}
    applied = next(r for r in state["resources"] if r["type"] == "backstop_backup_job")["instances"][0]["attributes"]
    assert applied["config_map_manifest"]["value"] == settings
    again = ws.no_change()
    assert again.returncode == 0 and "No changes." in again.stdout, again.stdout + again.stderr


def test_legacy_flat_state_is_an_error_naming_the_way_out(tmp_path, provider_bin):
    ws = fixture_stack(tmp_path, provider_bin)
    path = ws.stack / "terraform.tfstate"
    state = json.loads(path.read_text())
    job = next(r for r in state["resources"] if r["type"] == "backstop_backup_job")["instances"][0]
    job["attributes_flat"] = {"id": job["attributes"]["id"], "name": "mailserver", "namespace": "mailserver"}
    del job["attributes"]
    path.write_text(json.dumps(state))

    plan = ws.no_change()
    output = plan.stdout + plan.stderr
    assert plan.returncode == 1, output
    assert "backstop_backup_job" in output and "attributes_flat" in output, output
    assert "terraform state rm" in output and "terraform import" in output and "mailserver/mailserver-backup" in output
    assert "will be created" not in output


def test_import_by_the_resources_own_id_then_apply_leaves_no_change(tmp_path, provider_bin):
    ws = MirrorWorkspace(tmp_path, provider_bin)
    shutil.copy(FIXTURE / "main.tf", ws.stack / "main.tf")
    ws.init()
    ids = {r["type"]: r["instances"][0]["attributes"]["id"]
           for r in json.loads((FIXTURE / "terraform.tfstate").read_text())["resources"]}
    for type_name, resource_id in ids.items():
        ws.run("import", "-input=false", "-no-color", f"{type_name}.mailserver", resource_id)

    state = {r["type"]: r["instances"][0]["attributes"]
             for r in json.loads((ws.stack / "terraform.tfstate").read_text())["resources"]}
    assert {t: a["id"] for t, a in state.items()} == ids
    assert state["backstop_backup_job"]["cronjob_name"] == "mailserver-backup"
    assert state["backstop_nfs_backup_volume"]["claim_name"] == "mailserver-backup-host"

    # A pure renderer cannot recover the other inputs from an ID, so the first plan records
    # them in place: never a replacement, and `id` stays what was imported.
    plan = ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    assert "Plan: 0 to add, 3 to change, 0 to destroy." in plan.stdout, plan.stdout
    changes = json.loads(ws.run("show", "-json", "tfplan").stdout)["resource_changes"]
    for change in changes:
        assert change["change"]["actions"] == ["update"], change["address"]
        assert change["change"]["after"]["id"] == change["change"]["before"]["id"]
    # The objects an ID cannot give are rendered by that plan, the ConfigMap as well.
    job = next(c["change"] for c in changes if c["address"] == "backstop_backup_job.mailserver")
    assert job["before"]["config_map_manifest"] is None
    assert job["after"]["config_map_manifest"]["metadata"]["name"] == "mailserver-backup-settings"
    ws.run("apply", "-input=false", "-no-color", "tfplan")
    assert ws.no_change().returncode == 0


def test_generated_config_validates_once_the_unknowable_values_are_filled(tmp_path, provider_bin):
    ws = MirrorWorkspace(tmp_path, provider_bin)
    ids = {r["type"]: r["instances"][0]["attributes"]["id"]
           for r in json.loads((FIXTURE / "terraform.tfstate").read_text())["resources"]}
    (ws.stack / "main.tf").write_text(
        'terraform {\n  required_providers {\n    backstop = { source = "backstop/backstop" }\n  }\n}\n\n'
        'provider "backstop" {\n  nfs_server = "10.0.10.15"\n}\n\n'
        + "".join(f'import {{\n  to = {t}.mailserver\n  id = "{i}"\n}}\n\n' for t, i in ids.items()))
    ws.init()
    ws.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf", check=False)
    generated = (ws.stack / "generated.tf").read_text()
    assert "= {}" not in generated  # password_secret is a plain, non-sensitive attribute now
    assert re.search(r'\n  namespace\s+= "mailserver"\n', generated), generated

    # What docs/guides/import.md tells the user to fill: the job's schedule and
    # destination_claim (required), and for validation at plan the strategy's inputs
    # (rsync: source_claim, mounts) and the alert's schedule.
    filled = generated
    for resource, attribute, value in [
        ("backstop_backup_job", "schedule", '"0 3 * * *"'),
        ("backstop_backup_job", "destination_claim", "backstop_nfs_backup_volume.mailserver.claim_name"),
        ("backstop_backup_job", "source_claim", '"mailserver-data-encrypted"'),
        ("backstop_backup_job", "mounts", '{ data = { path = "/var/mail", sub_path = "data" } }'),
        ("backstop_backup_alert", "schedule", '"0 3 * * *"'),
    ]:
        block = re.search(rf'resource "{resource}" "mailserver" {{.*?\n}}', filled, re.S).group(0)
        replaced = re.sub(rf"(\n  {attribute}\s+= )null", rf"\g<1>{value}", block, count=1)
        assert replaced != block, (resource, attribute)
        filled = filled.replace(block, replaced)
    (ws.stack / "generated.tf").write_text(filled)

    validated = ws.run("validate", "-no-color", "-json", check=False)
    assert json.loads(validated.stdout)["valid"] is True, validated.stdout
    plan = ws.run("plan", "-input=false", "-no-color")
    assert "3 to import, 0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
