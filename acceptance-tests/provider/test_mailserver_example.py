"""examples/mailserver through real Terraform: it plans and applies, its objects equal what
`backstop render` makes of examples/render/mailserver.hcl (the same inputs), the
Kubernetes objects (the job's settings ConfigMap included) pass `kubernetes-validate
--strict`, and the Helm values carry the rules."""
import json
import shutil
import subprocess

import yaml

from provider_support import REPO, require_tool


def test_mailserver_example_matches_backstop_render(workspace, backstop_bin):
    for source in (REPO / "examples" / "mailserver").iterdir():
        shutil.copy(source, workspace.path / source.name)
    plan = workspace.show_plan()
    assert {c["change"]["actions"][0] for c in plan["resource_changes"]} == {"create"}
    workspace.run("apply", "-auto-approve", "tfplan")
    state = {r["address"]: r["values"] for r in workspace.state()["values"]["root_module"]["resources"]}
    volume = state["backstop_nfs_backup_volume.mailserver"]
    job = state["backstop_backup_job.mailserver"]
    alert = state["backstop_backup_alert.mailserver"]

    rendered = json.loads(
        subprocess.run(
            [backstop_bin, "render", REPO / "examples" / "render" / "mailserver.hcl", "--format", "json"],
            capture_output=True, text=True, check=True,
        ).stdout
    )
    by_kind = {obj["kind"]: obj for obj in rendered}
    assert job["manifest"] == by_kind["CronJob"]
    assert job["config_map_manifest"] == by_kind["ConfigMap"]
    # render writes the ConfigMap first: the CronJob's pods need it.
    kinds = [obj["kind"] for obj in rendered]
    assert kinds.index("ConfigMap") == kinds.index("CronJob") - 1, kinds
    assert volume["persistent_volume_manifest"] == by_kind["PersistentVolume"]
    assert volume["persistent_volume_claim_manifest"] == by_kind["PersistentVolumeClaim"]
    assert alert["manifest"] == by_kind["PrometheusRule"]

    # The objects Terraform holds are valid Kubernetes objects.
    manifests = workspace.path / "manifests.yaml"
    manifests.write_text(yaml.safe_dump_all([volume["persistent_volume_manifest"],
                                             volume["persistent_volume_claim_manifest"],
                                             job["config_map_manifest"], job["manifest"]]))
    validated = subprocess.run(
        [require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", str(manifests)], capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.count("passed") == 4, validated.stdout

    outputs = json.loads(workspace.run("output", "-json").stdout)
    assert outputs["cronjob_name"]["value"] == "mailserver-backup"
    values = yaml.safe_load(outputs["prometheus_helm_values"]["value"])
    assert values["serverFiles"]["alerting_rules.yml"]["groups"] == alert["manifest"]["spec"]["groups"]
