"""docs/guides/restore.md runs as written: every `backstop ...` line of its ```sh blocks is
run against examples/render/restore.hcl with the real binary, must exit 0, and what it
prints or writes must pass `kubernetes-validate --strict -k 1.33.0` (PrometheusRules:
`promtool check rules`; HCL: `terraform fmt`). The flags it shows must reach the Job."""
import importlib.util
import json
import pathlib
import re
import shlex
import shutil
import subprocess

import yaml

_ROOT_CONFTEST = pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
_spec = importlib.util.spec_from_file_location("backstop_acceptance_root_restore_guide", _ROOT_CONFTEST)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_tool = _root.require_tool

GUIDE = pathlib.Path("docs/guides/restore.md")
SPEC = pathlib.Path("examples/render/restore.hcl")
FENCED_SH = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


def guide_commands(repo):
    text = (repo / GUIDE).read_text()
    lines = [line.strip() for block in FENCED_SH.findall(text) for line in block.splitlines()]
    return [line for line in lines if line.startswith("backstop ")]


def option(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def pod_spec(job):
    return job["spec"]["template"]["spec"]


def check_restore_flags(args, job):
    """Each flag the guide passes shows in the Job it prints."""
    spec = pod_spec(job)
    container = spec["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    if "DB_HOST" in env:
        # A dump: replayed into the job's server, the password from its Secret; the
        # backup claim, read-only, is the only volume.
        assert [v["name"] for v in spec["volumes"]] == ["backup"]
        [secret] = [e for e in container["env"] if "valueFrom" in e]
        assert secret["valueFrom"]["secretKeyRef"]["name"], secret
    if "--target-claim" in args:
        assert spec["volumes"][1]["persistentVolumeClaim"]["claimName"] == option(args, "--target-claim")
    if "--target-path" in args:
        assert env["TARGET_DIR"] == "/restore/" + option(args, "--target-path")
    if "--snapshot" in args:
        assert option(args, "--snapshot") in container["command"][2]
    assert spec["volumes"][0]["persistentVolumeClaim"]["readOnly"] is True


def test_every_command_of_the_guide_runs_and_its_output_validates(backstop_bin, repo, tmp_path):
    commands = guide_commands(repo)
    assert len(commands) >= 7, commands
    assert {shlex.split(c)[1] for c in commands} == {"render", "restore"}, commands
    (tmp_path / SPEC.parent).mkdir(parents=True)
    shutil.copy(repo / SPEC, tmp_path / SPEC)
    manifests, rule_groups, hcl = [], [], []
    for n, command in enumerate(commands):
        assert not set(command) & set("|;&<>$`"), f"the test runs commands without a shell: {command}"
        args = shlex.split(command)
        done = subprocess.run([backstop_bin, *args[1:]], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        fmt = option(args, "--format", "yaml")
        out = option(args, "--out")
        texts = [p.read_text() for p in sorted((tmp_path / out).iterdir())] if out else [done.stdout]
        assert all(texts), command
        if fmt == "hcl":
            hcl.append("\n".join(texts))
            continue
        objects = []
        for text in texts:
            loaded = json.loads(text) if fmt == "json" else list(yaml.safe_load_all(text))
            objects += loaded if isinstance(loaded, list) else [loaded]
        if args[1] == "restore":
            assert [o["kind"] for o in objects] == ["Job"], command
            check_restore_flags(args, objects[0])
        for i, obj in enumerate(objects):
            if obj["kind"] == "PrometheusRule":
                rule_groups.append(obj["spec"]["groups"])
            else:
                path = tmp_path / "validate" / f"{n}-{i}-{obj['kind'].lower()}.yaml"
                path.parent.mkdir(exist_ok=True)
                path.write_text(yaml.safe_dump(obj))
                manifests.append(path)
    kinds = {p.name.split("-", 2)[2] for p in manifests}
    assert kinds >= {"job.yaml", "cronjob.yaml"}, kinds
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *manifests],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(" passed ") == len(manifests), done.stdout

    assert rule_groups, "the guide renders the alerts with the drill rules"
    names = {r.get("alert") for groups in rule_groups for g in groups for r in g["rules"]}
    assert {"MailserverRestoreTestFailed", "VaultwardenRestoreTestStale"} <= names, names
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": [g for groups in rule_groups[:1] for g in groups]}))
    done = subprocess.run([require_tool("promtool"), "check", "rules", rules], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    assert hcl and all('resource "kubernetes_job_v1"' in text for text in hcl), hcl
    for i, text in enumerate(hcl):
        (tmp_path / "hcl").mkdir(exist_ok=True)
        (tmp_path / "hcl" / f"{i}.tf").write_text(text)
    done = subprocess.run([require_tool("terraform"), "fmt", "-write=false", "-list=false", tmp_path / "hcl"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_guide_documents_every_flag_of_backstop_restore(backstop_bin, repo):
    done = subprocess.run([backstop_bin, "restore", "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    flags = set(re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", done.stdout, re.M)) - {"--help", "--version"}
    assert {"--job", "--snapshot", "--target-claim", "--overwrite", "--out"} <= flags, flags
    text = (repo / GUIDE).read_text()
    missing = [flag for flag in sorted(flags) if f"`{flag}" not in text]
    assert not missing, missing
