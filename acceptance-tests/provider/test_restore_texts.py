"""The data sources `backstop_restore_test` and `backstop_restore` (and the alert with
`restore_test_schedule`) give byte for byte what `backstop render` / `backstop restore`
write for the same inputs: examples/render/restore.hcl (rsync and sqlite) mirrored in a
Terraform configuration, plus dump drills; so do the backup jobs' texts (settings ConfigMap,
then CronJob). Every drill CronJob and restore Job they render passes
`kubernetes-validate --strict`."""
import json
import subprocess

import pytest
import yaml

from provider_support import REPO, Workspace, require_tool

SPEC = REPO / "examples" / "render" / "restore.hcl"

# examples/render/restore.hcl, as data sources; each job is handed over as a whole data
# source object (`job = data.backstop_backup_job.x`), whose texts Terraform drops too.
MIRROR = """
provider "backstop" {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

data "backstop_backup_job" "mailserver" {
  name              = "mailserver"
  namespace         = "mailserver"
  schedule          = "0 3 * * *"
  strategy          = "rsync"
  source_claim      = "mailserver-data-encrypted"
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
  }
  destination_claim = "mailserver-backup-host"
  keep              = 8
}

data "backstop_restore_test" "mailserver" {
  job             = data.backstop_backup_job.mailserver
  verify_fraction = 0.1
}

data "backstop_backup_alert" "mailserver" {
  cronjob_name          = data.backstop_backup_job.mailserver.cronjob_name
  namespace             = "mailserver"
  schedule              = "0 3 * * *"
  restore_test_schedule = data.backstop_restore_test.mailserver.schedule
}

data "backstop_restore" "mailserver" {
  job          = data.backstop_backup_job.mailserver
  folder       = "data"
  target_claim = "mailserver-data-restored"
}

data "backstop_backup_job" "vaultwarden" {
  name              = "vaultwarden"
  namespace         = "vaultwarden"
  schedule          = "0 */6 * * *"
  strategy          = "sqlite"
  source_claim      = "vaultwarden-data-encrypted"
  mounts            = { data = { path = "/data" } }
  database          = "/data/db.sqlite3"
  extra_paths       = ["/data/rsa_key.pem", "/data/attachments"]
  destination_claim = "vaultwarden-backup-host"
  keep              = 30
}

data "backstop_restore_test" "vaultwarden" {
  job         = data.backstop_backup_job.vaultwarden
  schedule    = "30 4 * * 0"
  check_query = "SELECT count(*) FROM users"
  min_rows    = 1
}

data "backstop_backup_alert" "vaultwarden" {
  cronjob_name          = data.backstop_backup_job.vaultwarden.cronjob_name
  namespace             = "vaultwarden"
  schedule              = "0 */6 * * *"
  restore_test_schedule = data.backstop_restore_test.vaultwarden.schedule
}

# What `backstop restore restore.hcl --job vaultwarden --target-claim vaultwarden-data-restored` prints.
data "backstop_restore" "vaultwarden" {
  job          = data.backstop_backup_job.vaultwarden
  target_claim = "vaultwarden-data-restored"
}
"""

# Dump jobs: their drills load the dump into a throwaway server.
DUMP_JOBS = {
    "pg": {"strategy": "pg_dumpall", "host": "postgres.dbaas", "user": "postgres", "secret": "pg",
           "drill": {"server_version": "16", "check_query": "SELECT count(*) FROM pg_database",
                     "check_database": "postgres", "min_rows": 3}},
    "maria": {"strategy": "mysqldump", "host": "mariadb.dbaas", "user": "root", "secret": "maria",
              "drill": {"server_version": "11.4", "check_query": "SELECT count(*) FROM mysql.user"}},
}


def dump_job_attributes(name: str) -> str:
    job = DUMP_JOBS[name]
    return (f'  namespace = "dbaas"\n  schedule = "0 0 * * *"\n  strategy = "{job["strategy"]}"\n'
            f'  host = "{job["host"]}"\n  user = "{job["user"]}"\n'
            f'  password_secret = {{ name = "{job["secret"]}", key = "password" }}\n'
            f'  destination_claim = "{name}-backup-host"\n')


def dump_blocks(terraform: bool) -> str:
    """The dump jobs and drills as Terraform data sources or as spec blocks."""
    out = []
    for name, job in DUMP_JOBS.items():
        attrs = dump_job_attributes(name)
        drill = "".join(f"  {k} = {json.dumps(v)}\n" for k, v in job["drill"].items())
        if terraform:
            ref = f"data.backstop_backup_job.{name}"
            out.append(f'data "backstop_backup_job" "{name}" {{\n  name = "{name}"\n{attrs}}}\n'
                       f'data "backstop_restore_test" "{name}" {{\n  job = {ref}\n{drill}}}\n'
                       f'data "backstop_restore" "{name}" {{\n  job = {ref}\n}}\n')
        else:
            out.append(f'backup_job "{name}" {{\n{attrs}}}\n'
                       f'restore_test "{name}" {{\n  job = backup_job.{name}\n{drill}}}\n')
    return "\n".join(out)


def outputs_of(data: dict) -> str:
    """One output per data source with its texts and object."""
    blocks = []
    for type_name, names in data.items():
        texts = ["manifest_yaml", "manifest_json", "manifest"] + (["script"] if type_name != "backstop_backup_alert" else [])
        if type_name == "backstop_backup_job":
            texts.append("config_map_manifest")
        for name in names:
            fields = ", ".join(f"{t} = data.{type_name}.{name}.{t}" for t in texts)
            blocks.append(f'output "{type_name}_{name}" {{\n  value = {{ {fields} }}\n}}\n')
    return "\n".join(blocks)


@pytest.fixture(scope="module")
def read(tmp_path_factory, provider_bin):
    """Every data source's outputs, read in one plan."""
    ws = Workspace(tmp_path_factory.mktemp("texts"), provider_bin.parent)
    data = {
        "backstop_restore_test": ["mailserver", "vaultwarden", *DUMP_JOBS],
        "backstop_restore": ["mailserver", "vaultwarden", *DUMP_JOBS],
        "backstop_backup_alert": ["mailserver", "vaultwarden"],
        "backstop_backup_job": ["mailserver", "vaultwarden", *DUMP_JOBS],
    }
    ws.write(MIRROR + dump_blocks(terraform=True) + outputs_of(data))
    plan = ws.show_plan()
    return {name: o["value"] for name, o in plan["planned_values"]["outputs"].items()}


def rendered(backstop_bin, spec, fmt: str, out, *command: str) -> dict[str, str]:
    done = subprocess.run([backstop_bin, *command, spec, "--format", fmt, "--out", out], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_text() for p in out.iterdir()}


def test_texts_are_what_backstop_render_writes(read, backstop_bin, tmp_path):
    yaml_files = rendered(backstop_bin, SPEC, "yaml", tmp_path / "yaml", "render")
    json_files = rendered(backstop_bin, SPEC, "json", tmp_path / "json", "render")
    expected = {
        "backstop_restore_test_mailserver": "cronjob-mailserver-restore-test",
        "backstop_restore_test_vaultwarden": "cronjob-vaultwarden-restore-test",
        "backstop_restore_mailserver": "job-mailserver-restore",
        "backstop_backup_alert_mailserver": "prometheusrule-mailserver-backup-alerts",
        "backstop_backup_alert_vaultwarden": "prometheusrule-vaultwarden-backup-alerts",
    }
    for output, file in expected.items():
        assert read[output]["manifest_yaml"] == yaml_files[f"{file}.yaml"], output
        assert read[output]["manifest_json"] == json_files[f"{file}.json"], output
        assert read[output]["manifest"] == json.loads(json_files[f"{file}.json"]), output
    # The drill alerts come with the drill's schedule, default included.
    assert "MailserverRestoreTestStale" in read["backstop_backup_alert_mailserver"]["manifest_yaml"]

    # The sqlite restore the guide prints with `backstop restore`.
    for fmt in ("yaml", "json"):
        files = rendered(backstop_bin, SPEC, fmt, tmp_path / f"restore-{fmt}", "restore", "--job", "vaultwarden",
                         "--target-claim", "vaultwarden-data-restored")
        assert read["backstop_restore_vaultwarden"][f"manifest_{fmt}"] == files[f"job-vaultwarden-restore.{fmt}"]


def test_dump_drill_texts_are_what_backstop_render_writes(read, backstop_bin, tmp_path):
    spec = tmp_path / "dumps.hcl"
    spec.write_text('backstop {\n  nfs_server = "10.0.10.15"\n}\n' + dump_blocks(terraform=False))
    yaml_files = rendered(backstop_bin, spec, "yaml", tmp_path / "yaml", "render")
    json_files = rendered(backstop_bin, spec, "json", tmp_path / "json", "render")
    for name in DUMP_JOBS:
        drill = read[f"backstop_restore_test_{name}"]
        assert drill["manifest_yaml"] == yaml_files[f"cronjob-{name}-restore-test.yaml"], name
        assert drill["manifest_json"] == json_files[f"cronjob-{name}-restore-test.json"], name


def test_job_texts_are_both_objects_as_backstop_render_writes_them(read, backstop_bin, tmp_path):
    """A job's texts hold its settings ConfigMap, then its CronJob (the order render writes
    them in: the CronJob's pods need the ConfigMap)."""
    yaml_files = rendered(backstop_bin, SPEC, "yaml", tmp_path / "yaml", "render")
    json_files = rendered(backstop_bin, SPEC, "json", tmp_path / "json", "render")
    for name in ("mailserver", "vaultwarden"):
        job = read[f"backstop_backup_job_{name}"]
        files = [f"configmap-{name}-backup-settings", f"cronjob-{name}-backup"]
        assert job["manifest_yaml"] == "---\n".join(yaml_files[f"{f}.yaml"] for f in files), name
        objects = [json.loads(json_files[f"{f}.json"]) for f in files]
        assert json.loads(job["manifest_json"]) == objects == [job["config_map_manifest"], job["manifest"]], name

    # A spec of one dump job: render's whole output is the data source's text, byte for byte.
    for name in DUMP_JOBS:
        spec = tmp_path / f"{name}.hcl"
        spec.write_text(f'backstop {{\n  nfs_server = "10.0.10.15"\n}}\n\nbackup_job "{name}" {{\n'
                        f"{dump_job_attributes(name)}}}\n")
        job = read[f"backstop_backup_job_{name}"]
        for fmt in ("yaml", "json"):
            done = subprocess.run([backstop_bin, "render", spec, "--format", fmt], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            assert job[f"manifest_{fmt}"] == done.stdout, (name, fmt)
        # The database address is a setting; the password stays a Secret reference in the CronJob.
        settings = job["config_map_manifest"]["data"]
        assert (settings["DB_HOST"], settings["DB_USER"]) == (DUMP_JOBS[name]["host"], DUMP_JOBS[name]["user"])
        assert "password" not in json.dumps(settings).lower()
        env = job["manifest"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
        assert [e["valueFrom"]["secretKeyRef"]["name"] for e in env if "valueFrom" in e] == [DUMP_JOBS[name]["secret"]]


def test_scripts_are_the_ones_the_manifests_run(read):
    for output, texts in read.items():
        if "script" not in texts:
            continue
        spec = texts["manifest"]["spec"]
        pod = (spec["jobTemplate"]["spec"] if "jobTemplate" in spec else spec)["template"]["spec"]
        commands = [c["command"][-1] for c in pod["containers"]]
        assert texts["script"] in commands, output
        assert texts["script"].strip(), output


def test_every_drill_and_restore_object_passes_strict_validation(read, tmp_path):
    files = []
    for output, texts in sorted(read.items()):
        if output.startswith(("backstop_restore_test_", "backstop_restore_")):
            path = tmp_path / f"{output}.yaml"
            path.write_text(texts["manifest_yaml"])
            files.append(str(path))
    kinds = sorted(yaml.safe_load(open(f))["kind"] for f in files)
    assert kinds == ["CronJob"] * 4 + ["Job"] * 4, kinds
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed") == len(files), done.stdout

    # The validator fails on an unknown field, so the check above can fail.
    broken = yaml.safe_load(open(files[0]))
    broken["spec"]["unknownField"] = True
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken))
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", str(tmp_path / "broken.yaml")],
                          capture_output=True, text=True)
    assert done.returncode != 0, done.stdout
