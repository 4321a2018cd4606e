"""The typed HCL is read by real Terraform as the manifest means it: every rendered resource
parses (`terraform fmt`), and each script heredoc evaluates to exactly the script the
CronJob manifest carries (`${`/`%{` escaped, nothing added or lost). The hashicorp/kubernetes
provider itself cannot be installed offline; field-for-field equivalence with the manifest
is proven in codegen/tests/hcl_equivalence.rs."""
import json
import os
import re
import subprocess

from backstop_render_support import render, require_tool
from test_kubernetes_validate import STRATEGIES, VOLUMES

HEREDOC = re.compile(r"<<(EOT_*)\n(.*?\n)\1\n", re.S)


def rendered():
    jobs = [
        {"name": strategy.replace("_", ""), "namespace": "demo", "schedule": "0 3 * * *", "strategy": strategy,
         "destination_claim": "demo-backup-host", **base}
        for strategy, base in STRATEGIES.items()
    ]
    return render({"volumes": VOLUMES, "jobs": jobs})


def terraform(tmp_path, *args, stdin=None):
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_DATA_DIR": str(tmp_path / ".terraform"), "CHECKPOINT_DISABLE": "1"}
    return subprocess.run([require_tool("terraform"), *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_every_rendered_resource_parses_with_terraform(tmp_path):
    result = rendered()
    texts = [job[key] for job in result["jobs"] for key in ("settings_hcl", "hcl")]
    texts += [v["hcl"][kind] for v in result["volumes"] for kind in ("persistent_volume", "persistent_volume_claim")]
    for text in texts:
        assert text.startswith("resource ")
        done = terraform(tmp_path, "fmt", "-no-color", "-", stdin=text)
        assert done.returncode == 0, done.stderr + text[:500]
    broken = terraform(tmp_path, "fmt", "-no-color", "-", stdin=result["jobs"][0]["hcl"].replace("<<EOT\n", "<<EOT", 1))
    assert broken.returncode != 0, "terraform fmt must reject broken HCL for the check above to mean anything"


def data_map(settings_hcl: str) -> str:
    """The `data = { ... }` map of a typed ConfigMap, as an HCL expression."""
    [data] = re.findall(r"^  data = (\{\n.*?^  \})$", settings_hcl, re.S | re.M)
    return data


def test_settings_data_maps_evaluate_to_the_config_map_data(tmp_path):
    """Every strategy's typed ConfigMap: its `data` map, as Terraform evaluates it, is the
    manifest's data (values stay strings: `KEEP_WEEKS = "8"`, not a number)."""
    jobs = rendered()["jobs"]
    (tmp_path / "main.tf").write_text("".join(
        f'output "data_{i}" {{\n  value = {data_map(job["settings_hcl"])}\n}}\n' for i, job in enumerate(jobs)))
    for step in (["init", "-no-color", "-input=false"], ["apply", "-no-color", "-auto-approve", "-input=false"]):
        done = terraform(tmp_path, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    values = json.loads(terraform(tmp_path, "output", "-json").stdout)
    for i, job in enumerate(jobs):
        assert values[f"data_{i}"]["value"] == job["settings"]["data"], job["cronjob_name"]
        assert "PUSHGATEWAY_URL" in job["settings"]["data"], job["cronjob_name"]


def test_a_multi_line_command_survives_as_a_heredoc(tmp_path):
    """Template markers, already-escaped markers and a line equal to the delimiter."""
    command = 'echo "${HOME}" "$${literal}" "%{ if }"\ncat <<EOT\nEOT\ntrue\n'
    job = render({"jobs": [{
        "name": "cmd", "namespace": "demo", "schedule": "0 3 * * *", "strategy": "command",
        "destination_claim": "demo-backup-host", "command": command,
    }]})["jobs"][0]
    assert job["settings"]["data"]["BACKUP_COMMAND"] == command
    assert [d for d, _ in HEREDOC.findall(job["hcl"])] == ["EOT"], "the CronJob holds the script only"
    heredocs = HEREDOC.findall(job["settings_hcl"])
    assert [d for d, _ in heredocs] == ["EOT_"], "the ConfigMap holds the command, with a longer delimiter"
    # The ConfigMap's whole `data` map, as Terraform evaluates it, is the manifest's data.
    (tmp_path / "main.tf").write_text(f'output "data" {{\n  value = {data_map(job["settings_hcl"])}\n}}\n')
    for step in (["init", "-no-color", "-input=false"], ["apply", "-no-color", "-auto-approve", "-input=false"]):
        done = terraform(tmp_path, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(terraform(tmp_path, "output", "-json").stdout)["data"]["value"] == job["settings"]["data"]


def test_script_heredocs_evaluate_to_the_manifest_scripts(tmp_path):
    jobs = rendered()["jobs"]
    outputs = []
    for i, job in enumerate(jobs):
        heredocs = HEREDOC.findall(job["hcl"])
        assert len(heredocs) == 1, job["cronjob_name"]
        delimiter, body = heredocs[0]
        outputs.append(f'output "script_{i}" {{\n  value = <<{delimiter}\n{body}{delimiter}\n}}\n')
    (tmp_path / "main.tf").write_text("".join(outputs))
    for step in (["init", "-no-color", "-input=false"], ["apply", "-no-color", "-auto-approve", "-input=false"]):
        done = terraform(tmp_path, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    values = json.loads(terraform(tmp_path, "output", "-json").stdout)
    for i, job in enumerate(jobs):
        command = job["cronjob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
        assert values[f"script_{i}"]["value"] == command[2] == job["script"], job["cronjob_name"]
        assert "${" in job["script"], "the script must hold markers for this test to mean anything"
