"""Every example is planned by real Terraform against the built provider, and the
generated docs embed only those examples and document every attribute Terraform reports.
Expected values come from the conventions (docs/guides/conventions.md), never from the output."""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest

from examples_support import (
    EXAMPLES,
    REGISTRY_EXAMPLE_FILES,
    REPO,
    before_hook_command,
    plan_json,
    planned_outputs,
    planned_resources,
    registry_examples,
    scratch_copy,
    terraform,
    terragrunt_generated_file,
)


@pytest.fixture(scope="session")
def provider_dir(provider_bin) -> pathlib.Path:
    return provider_bin.parent


def registry_stack(tmp_path: pathlib.Path, example: pathlib.Path) -> pathlib.Path:
    """The example as a user pastes it: next to the provider example (its required_providers)."""
    shutil.copy(EXAMPLES / "provider" / "provider.tf", tmp_path / "provider.tf")
    if example.name != "provider.tf":
        shutil.copy(example, tmp_path / "example.tf")
    return tmp_path


@pytest.mark.parametrize("example", registry_examples(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_registry_example_plans(example, provider_dir, tmp_path):
    plan = plan_json(registry_stack(tmp_path, example), provider_dir)
    outputs = planned_outputs(plan)
    assert all(value is not None for value in outputs.values()), f"unknown outputs after plan: {outputs}"


def import_examples() -> list[pathlib.Path]:
    return sorted((EXAMPLES / "resources").glob("*/import.sh"))


@pytest.mark.parametrize("import_sh", import_examples(), ids=lambda p: p.parent.name)
def test_import_example_adopts_the_object_the_example_declares(import_sh, provider_dir, tmp_path):
    stack = registry_stack(tmp_path, import_sh.parent / "resource.tf")
    commands = [line.split() for line in import_sh.read_text().splitlines() if line.startswith("terraform import ")]
    assert len(commands) == 1, f"{import_sh}: one `terraform import ADDRESS ID` line"
    address, import_id = commands[0][2:]

    terraform(["import", "-input=false", address, import_id], stack, provider_dir)

    state = json.loads(terraform(["show", "-json"], stack, provider_dir).stdout)
    imported = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    values = imported[address]
    # A drill's or restore's namespace is its job's.
    assert values.get("namespace", values.get("job", {}).get("namespace")) == import_id.split("/")[0]
    # The ID named the object the configuration declares: planning adopts it, creating or
    # replacing nothing of it (a drill's or restore's example also declares its backup job,
    # which is still to create).
    terraform(["plan", "-input=false", "-out=tfplan"], stack, provider_dir)
    changes = json.loads(terraform(["show", "-json", "tfplan"], stack, provider_dir).stdout)["resource_changes"]
    actions = {c["address"]: c["change"]["actions"] for c in changes}
    assert actions[address] in (["no-op"], ["update"]), actions
    assert all(a in (["no-op"], ["update"], ["create"]) for a in actions.values()), actions
    assert all(a != ["create"] or not addr.startswith(address.split(".")[0] + ".") for addr, a in actions.items())


def job_script(job: dict) -> str:
    """The script a planned job's CronJob runs (`sh -c SCRIPT`)."""
    return job["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][-1]


@pytest.mark.parametrize("example", sorted((EXAMPLES / "data-sources").glob("*/data-source.tf")),
                         ids=lambda p: p.parent.name)
def test_data_source_example_works_pasted_alone(example, provider_dir, tmp_path):
    """Pasted into an empty configuration (no provider defaults), each data-source example plans."""
    (tmp_path / "versions.tf").write_text(
        'terraform {\n  required_providers {\n    backstop = { source = "backstop/backstop" }\n  }\n}\n')
    shutil.copy(example, tmp_path / "example.tf")
    outputs = planned_outputs(plan_json(tmp_path, provider_dir))
    assert outputs and all(value is not None for value in outputs.values()), outputs


def test_every_registry_folder_has_its_example():
    """tfplugindocs embeds examples/<kind>/<type>/<file>: one per resource, data source, function."""
    for kind in ("resources", "data-sources"):
        types = {p.name for p in (EXAMPLES / kind).iterdir()}
        assert types == {"backstop_nfs_backup_volume", "backstop_backup_job", "backstop_backup_alert",
                         "backstop_restore_test", "backstop_restore"}, kind
    assert (EXAMPLES / "functions" / "stale_after" / "function.tf").is_file()


def test_volume_example_follows_the_nfs_conventions(provider_dir, tmp_path):
    example = EXAMPLES / "resources" / "backstop_nfs_backup_volume" / "resource.tf"
    volume = planned_resources(plan_json(registry_stack(tmp_path, example), provider_dir))[
        "backstop_nfs_backup_volume.mailserver"]
    pv = volume["persistent_volume_manifest"]
    assert volume["claim_name"] == "mailserver-backup-host"
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert {"nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"} <= set(pv["spec"]["mountOptions"])
    assert pv["spec"]["csi"]["volumeAttributes"] == {"server": "nfs.home.arpa", "share": "/srv/nfs/mailserver-backup"}
    # The provider block's labels (examples/provider/provider.tf) reach every object.
    for manifest in (pv, volume["persistent_volume_claim_manifest"]):
        assert manifest["metadata"]["labels"].get("home.arpa/backup-policy") == "snapshot-plus-nfs"


def test_job_example_mounts_the_source_read_only_on_the_app_node(provider_dir, tmp_path):
    example = EXAMPLES / "resources" / "backstop_backup_job" / "resource.tf"
    job = planned_resources(plan_json(registry_stack(tmp_path, example), provider_dir))[
        "backstop_backup_job.mailserver"]
    assert job["cronjob_name"] == "mailserver-backup"
    pod = job["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    affinity = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert affinity["labelSelector"]["matchLabels"] == {"app": "mailserver"}
    assert affinity["topologyKey"] == "kubernetes.io/hostname"
    source = [v for v in pod["volumes"] if v.get("persistentVolumeClaim", {}).get("claimName") == "mailserver-data"]
    assert len(source) == 1 and source[0]["persistentVolumeClaim"]["readOnly"] is True
    source_mounts = [m for c in pod["containers"] for m in c["volumeMounts"] if m["name"] == source[0]["name"]]
    assert {m["mountPath"] for m in source_mounts} == {"/var/mail", "/var/mail-state", "/var/log/mail"}
    assert all(m.get("readOnly") is True for m in source_mounts)


def test_alert_example_renders_the_stale_and_never_succeeded_pair(provider_dir, tmp_path):
    example = EXAMPLES / "resources" / "backstop_backup_alert" / "resource.tf"
    alert = planned_resources(plan_json(registry_stack(tmp_path, example), provider_dir))[
        "backstop_backup_alert.mailserver"]
    names = {rule["alert"] for rule in alert["manifest"]["spec"]["groups"][0]["rules"]}
    assert {"MailserverBackupStale", "MailserverBackupNeverSucceeded"} <= names
    assert set(alert["alert_names"]) == names


def test_drill_example_feeds_its_default_schedule_to_the_alert(provider_dir, tmp_path):
    example = EXAMPLES / "resources" / "backstop_restore_test" / "resource.tf"
    plan = plan_json(registry_stack(tmp_path, example), provider_dir)
    resources = planned_resources(plan)
    drill, alert = resources["backstop_restore_test.mailserver"], resources["backstop_backup_alert.mailserver"]
    # No start shared with the 03:00 backup: Sunday, two hours after it (docs/guides/restore.md).
    assert drill["schedule"] == "0 5 * * 0" == drill["manifest"]["spec"]["schedule"]
    assert alert["restore_test_schedule"] == drill["schedule"]
    assert {"MailserverRestoreTestFailed", "MailserverRestoreTestStale"} <= set(alert["alert_names"])
    pod = drill["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    backup = [v for v in pod["volumes"] if "persistentVolumeClaim" in v]
    assert backup == [{"name": "backup", "persistentVolumeClaim": {"claimName": "mailserver-backup-host",
                                                                   "readOnly": True}}], pod["volumes"]


def test_restore_example_restores_into_the_claim_it_names(provider_dir, tmp_path):
    example = EXAMPLES / "resources" / "backstop_restore" / "resource.tf"
    restore = planned_resources(plan_json(registry_stack(tmp_path, example), provider_dir))["backstop_restore.vaultwarden"]
    claims = {v["name"]: v["persistentVolumeClaim"] for v in restore["manifest"]["spec"]["template"]["spec"]["volumes"]}
    assert claims == {"backup": {"claimName": "vaultwarden-backup-host", "readOnly": True},
                      "target": {"claimName": "vaultwarden-data-restored"}}
    assert restore["manifest"]["spec"]["backoffLimit"] == 0


def test_function_example_gives_the_conventional_thresholds(provider_dir, tmp_path):
    example = EXAMPLES / "functions" / "stale_after" / "function.tf"
    outputs = planned_outputs(plan_json(registry_stack(tmp_path, example), provider_dir))
    # docs/guides/conventions.md: 36 h for daily jobs, 8 d for weekly ones.
    assert outputs == {"daily_backup_stale_after": "36h", "weekly_backup_stale_after": "8d"}


def test_vaultwarden_stack_plans_an_integrity_checked_sqlite_backup(provider_dir, tmp_path):
    root = scratch_copy(tmp_path, "examples/vaultwarden", "modules/app-backup")
    plan = plan_json(root / "examples" / "vaultwarden", provider_dir)
    resources = planned_resources(plan)
    assert sorted(resources) == [
        "module.vaultwarden_backup.backstop_backup_alert.this",
        "module.vaultwarden_backup.backstop_backup_job.this",
        "module.vaultwarden_backup.backstop_nfs_backup_volume.this",
    ]
    job = resources["module.vaultwarden_backup.backstop_backup_job.this"]
    assert "PRAGMA integrity_check" in job_script(job)
    assert "VACUUM INTO" in job_script(job)  # one consistent read transaction, also under a busy writer
    manifests = planned_outputs(plan)["manifests"]
    assert {m["kind"] for m in manifests.values()} == {"PersistentVolume", "PersistentVolumeClaim", "ConfigMap",
                                                       "CronJob", "PrometheusRule"}
    assert manifests["persistent_volume_claim"]["metadata"]["name"] == "vaultwarden-backup-host"


def test_dbaas_stack_plans_two_dumps_with_passwords_from_secrets(provider_dir, tmp_path):
    root = scratch_copy(tmp_path, "examples/dbaas", "modules/app-backup")
    plan = plan_json(root / "examples" / "dbaas", provider_dir)
    resources = planned_resources(plan)
    assert len(resources) == 6
    for module, tool, secret in (("postgresql_backup", "pg_dumpall", "pg-cluster-superuser"),
                                 ("mysql_backup", "mysqldump", "mysql-root")):
        job = resources[f"module.{module}.backstop_backup_job.this"]
        assert tool in job_script(job)
        env = [e for c in job["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
               for e in c.get("env", [])]
        assert any(e.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == secret for e in env), env
    schedules = {resources[f"module.{m}.backstop_backup_job.this"]["manifest"]["spec"]["schedule"]
                 for m in ("postgresql_backup", "mysql_backup")}
    assert len(schedules) == 2, "two NFS writers must not start in the same slot"


def test_terragrunt_stack_plans_with_the_generated_provider_block_and_passes_its_lint_hook(
        provider_dir, backstop_bin, tmp_path):
    root = scratch_copy(tmp_path, "examples/terragrunt", "modules/app-backup")
    terragrunt_root = root / "examples" / "terragrunt"
    stack = terragrunt_root / "stacks" / "immich"
    # The linter reads the repository the stack lives in: mark the scratch copy as one.
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    # Terragrunt is not obtainable here: do what it does before running Terraform.
    path, contents = terragrunt_generated_file(terragrunt_root / "terragrunt.hcl", "backstop_provider")
    (stack / path).write_text(contents)
    command = before_hook_command(stack / "terragrunt.hcl", "backstop_lint")
    assert command[0] == "backstop"
    hook = subprocess.run([backstop_bin, *command[1:]], cwd=stack, capture_output=True, text=True)
    assert hook.returncode == 0, hook.stdout + hook.stderr

    resources = planned_resources(plan_json(stack, provider_dir))
    assert len(resources) == 3
    volume = resources["module.immich_backup.backstop_nfs_backup_volume.this"]
    # nfs_server and nfs_base_path come from the generated provider block only.
    assert volume["persistent_volume_manifest"]["spec"]["csi"]["volumeAttributes"] == {
        "server": "nfs.home.arpa", "share": "/srv/nfs/immich-backup-host"}


def test_every_example_is_terraform_fmt_clean(tmp_path):
    done = subprocess.run(["terraform", "fmt", "-check", "-recursive", "-diff", str(EXAMPLES)],
                          capture_output=True, text=True, env={"PATH": shutil.os.environ["PATH"], "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr


# --- the generated docs --------------------------------------------------------------------

def generated_pages() -> list[pathlib.Path]:
    """The pages `backstop generate docs` writes (guides are hand-written)."""
    docs = REPO / "docs"
    return [docs / "index.md"] + sorted(p for d in ("resources", "data-sources", "functions")
                                        for p in (docs / d).glob("*.md"))


def docs_code_blocks() -> list[tuple[pathlib.Path, str]]:
    blocks = []
    for page in generated_pages():
        for block in re.findall(r"```terraform\n(.*?)```", page.read_text(), re.S):
            blocks.append((page, block))
    return blocks


def test_docs_embed_only_examples_that_are_planned():
    planned = {p.read_text().strip() for p in registry_examples()}
    blocks = docs_code_blocks()
    assert blocks, "the docs embed no example"
    for page, block in blocks:
        assert block.strip() in planned, f"{page} embeds an example that no test plans"
    imports = {p.read_text().strip() for p in import_examples()}
    for page in generated_pages():
        for block in re.findall(r"```shell\n(.*?)```", page.read_text(), re.S):
            assert block.strip() in imports, f"{page} embeds an import command that no test runs"


@pytest.fixture(scope="session")
def provider_schema(provider_dir, tmp_path_factory) -> dict:
    """The provider's schema as Terraform itself reports it."""
    stack = registry_stack(tmp_path_factory.mktemp("schema"), EXAMPLES / "provider" / "provider.tf")
    document = json.loads(terraform(["providers", "schema", "-json"], stack, provider_dir).stdout)
    return document["provider_schemas"]["registry.terraform.io/backstop/backstop"]


def attribute_lines(block: dict, prefix: str = ""):
    """(path, description) of every attribute, nested ones included."""
    for name, attribute in block.get("attributes", {}).items():
        yield prefix + name, attribute.get("description", "")
        nested = attribute.get("nested_type", {}).get("attributes")
        if nested:
            yield from attribute_lines({"attributes": nested}, f"{prefix}{name}.")


def test_docs_list_every_attribute_with_its_description(provider_schema):
    pages = {"index.md": provider_schema["provider"]["block"]}
    for kind, folder in (("resource_schemas", "resources"), ("data_source_schemas", "data-sources")):
        assert provider_schema[kind], f"the provider reports no {kind}"
        for type_name, schema in provider_schema[kind].items():
            pages[f"{folder}/{type_name.removeprefix('backstop_')}.md"] = schema["block"]
    for page, block in pages.items():
        text = (REPO / "docs" / page).read_text()
        for path, description in attribute_lines(block):
            name = path.rsplit(".", 1)[-1]
            assert description.strip(), f"{page}: `{path}` has no description in the schema"
            assert re.search(rf"^- `{re.escape(name)}` \([^)]*\) {re.escape(description.strip())}", text, re.M), \
                f"docs/{page} does not list `{path}` with its description"
    for function in provider_schema.get("functions", {}):
        assert (REPO / "docs" / "functions" / f"{function}.md").is_file()


def test_docs_from_terraforms_own_schema_are_the_committed_docs(provider_schema, backstop_bin, tmp_path):
    """The schema built into `backstop` is the one Terraform gets from the provider: docs
    generated from `terraform providers schema -json` are byte for byte the committed ones."""
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps({"format_version": "1.0", "provider_schemas": {
        "registry.terraform.io/backstop/backstop": provider_schema}}))
    done = subprocess.run([str(backstop_bin), "generate", "docs", "--check", "--dir", str(REPO),
                           "--schema", str(schema_file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the commented kubernetes_manifest snippets, as a user pastes them ---------------------

SNIPPET_START = re.compile(r'^#   resource "kubernetes_manifest" "\w+" \{$')


def kubernetes_manifest_snippets(example: pathlib.Path) -> str:
    """The example's commented `kubernetes_manifest` blocks, uncommented."""
    lines, blocks, inside = example.read_text().splitlines(), [], False
    for line in lines:
        inside = inside or bool(SNIPPET_START.match(line))
        if inside:
            blocks.append(line.removeprefix("#   "))
            inside = line != "#   }"
    return "\n".join(blocks) + "\n"


def examples_with_snippets() -> list[pathlib.Path]:
    return sorted(p for p in EXAMPLES.rglob("*.tf") if kubernetes_manifest_snippets(p).strip())


def standing_in_for_kubernetes_manifest(snippets: str) -> str:
    """The snippets with `terraform_data` in place of `kubernetes_manifest` (the hashicorp
    provider is not obtainable here): the same references, `for_each` and `depends_on`,
    each object planned as the resource's `input`."""
    text = snippets.replace('resource "kubernetes_manifest"', 'resource "terraform_data"')
    text = text.replace("kubernetes_manifest.", "terraform_data.")
    return re.sub(r"^(\s+)manifest(\s*)=", r"\1input\2=", text, flags=re.M)


def snippet_stack(example: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    relative = example.parent.relative_to(REPO)
    if relative.parts[1] in REGISTRY_EXAMPLE_FILES:
        return registry_stack(tmp_path, example)
    return scratch_copy(tmp_path, str(relative), "modules/app-backup") / relative


@pytest.mark.parametrize("example", examples_with_snippets(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_kubernetes_manifest_snippets_apply_every_config_map_a_cronjob_reads(example, provider_dir, tmp_path):
    """Pasted, the snippets plan with every object known; a CronJob they apply comes with
    the settings ConfigMap its pods read (envFrom), created before it where the two are
    separate resources (`depends_on`), or by the same `for_each`."""
    stack = snippet_stack(example, tmp_path)
    (stack / "snippets.tf").write_text(standing_in_for_kubernetes_manifest(kubernetes_manifest_snippets(example)))
    plan = plan_json(stack, provider_dir)
    applied = {address: values["input"] for address, values in planned_resources(plan).items()
               if address.startswith("terraform_data.")}
    assert applied and all(obj is not None and obj.get("kind") for obj in applied.values()), applied
    depends_on = {r["address"]: r.get("depends_on", []) for r in plan["configuration"]["root_module"]["resources"]}

    def resource_of(address: str) -> str:
        return address.split("[")[0]

    config_maps = {(o["metadata"]["namespace"], o["metadata"]["name"]): a for a, o in applied.items()
                   if o["kind"] == "ConfigMap"}
    for address, obj in applied.items():
        if obj["kind"] != "CronJob":
            continue
        for container in obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]:
            for source in container.get("envFrom", []):
                key = (obj["metadata"]["namespace"], source["configMapRef"]["name"])
                assert key in config_maps, f"{example}: {address} reads the ConfigMap {key}, which no snippet applies"
                settings = resource_of(config_maps[key])
                assert settings == resource_of(address) or settings in depends_on[resource_of(address)], \
                    f"{example}: {address} is not created after {settings}"


def test_the_job_examples_have_snippets_that_apply_the_backup_cronjob():
    """The test above is not vacuous: these examples apply a backup job's objects."""
    examples = {str(p.relative_to(EXAMPLES)) for p in examples_with_snippets()}
    assert {"mailserver/main.tf", "vaultwarden/main.tf", "resources/backstop_backup_job/resource.tf"} <= examples
    for example in ("mailserver/main.tf", "resources/backstop_backup_job/resource.tf"):
        snippets = kubernetes_manifest_snippets(EXAMPLES / example)
        assert ".config_map_manifest" in snippets and re.search(r"backstop_backup_job\.\w+\.manifest\b", snippets)


def test_the_objects_guide_blocks_plan_beside_the_mailserver_example(provider_dir, tmp_path):
    """docs/guides/objects-and-text-forms.md's HCL blocks, pasted next to examples/mailserver
    (kubernetes_manifest stood in for as above): the ConfigMap is applied before the CronJob,
    and the data source's YAML holds the ConfigMap, then the CronJob."""
    stack = scratch_copy(tmp_path, "examples/mailserver") / "examples" / "mailserver"
    guide = (REPO / "docs" / "guides" / "objects-and-text-forms.md").read_text()
    blocks = re.findall(r"```hcl\n(.*?)```", guide, re.S)
    assert len(blocks) >= 2, "the guide lost its blocks"
    (stack / "guide.tf").write_text(standing_in_for_kubernetes_manifest("\n".join(blocks)))
    plan = plan_json(stack, provider_dir)
    applied = planned_resources(plan)
    assert applied["terraform_data.mailserver_backup_settings"]["input"]["kind"] == "ConfigMap"
    assert applied["terraform_data.mailserver_backup"]["input"]["kind"] == "CronJob"
    depends_on = {r["address"]: r.get("depends_on", []) for r in plan["configuration"]["root_module"]["resources"]}
    assert depends_on["terraform_data.mailserver_backup"] == ["terraform_data.mailserver_backup_settings"]
    stream = planned_outputs(plan)["backup_job_yaml"]
    assert re.findall(r"^kind: (\S+)$", stream, re.M) == ["ConfigMap", "CronJob"], stream[:300]
