"""The text forms (`manifest_yaml`, `manifest_json`) come from the data sources and are
byte for byte what `backstop render` writes, for the mailserver, vaultwarden and dbaas
examples: each example is planned with real Terraform, every planned Backstop resource's
inputs are read through the data source of the same type and written into a render spec
(the provider block becoming the spec's `backstop {}` block), and the texts are compared
with `backstop render SPEC --out DIR` file by file."""
from __future__ import annotations

import json
import pathlib
import re
import subprocess

import pytest

from examples_support import REPO, plan_json, planned_outputs, scratch_copy

# What Terraform computes, which a data source does not take as input.
COMPUTED = {
    "backstop_nfs_backup_volume": {"id", "claim_name", "volume_name", "persistent_volume_manifest",
                                   "persistent_volume_claim_manifest"},
    "backstop_backup_job": {"id", "cronjob_name", "manifest", "config_map_manifest"},
    "backstop_backup_alert": {"id", "alert_names", "manifest"},
}


def planned_backstop_resources(plan: dict) -> list[tuple[str, dict]]:
    found = []

    def walk(module: dict) -> None:
        for resource in module.get("resources", []):
            if resource["mode"] == "managed" and resource["type"].startswith("backstop_"):
                found.append((resource["type"], resource["values"]))
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found


SPEC_BLOCKS = {"backstop_nfs_backup_volume": "nfs_backup_volume", "backstop_backup_job": "backup_job",
               "backstop_backup_alert": "backup_alert"}


def hcl(value) -> str:
    """A JSON value as an HCL expression (JSON strings are HCL strings once `${`/`%{` are escaped)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {hcl(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    return json.dumps(value)


def render_spec(provider_block: str, resources: list[tuple[str, dict]]) -> str:
    blocks = [re.sub(r'^provider "backstop"', "backstop", provider_block)]
    for i, (type_name, inputs) in enumerate(resources):
        body = "\n".join(f"  {k} = {hcl(v)}" for k, v in inputs.items())
        blocks.append(f'{SPEC_BLOCKS[type_name]} "r{i}" {{\n{body}\n}}')
    return "\n\n".join(blocks) + "\n"


def read_through_data_sources(example: str, provider_dir: pathlib.Path, tmp_path: pathlib.Path):
    """(texts of every Backstop resource the example plans, read through the data sources;
    the render spec with the same inputs)."""
    root = scratch_copy(tmp_path / "example", f"examples/{example}", "modules/app-backup")
    resources = planned_backstop_resources(plan_json(root / "examples" / example, provider_dir))
    assert resources, example
    provider_block = re.search(r'^provider "backstop" \{.*?^\}', (REPO / "examples" / example / "main.tf").read_text(),
                               re.S | re.M).group(0)
    stack = tmp_path / "data"
    stack.mkdir()
    (stack / "provider.tf").write_text(
        'terraform {\n  required_providers {\n    backstop = { source = "backstop/backstop" }\n  }\n}\n\n'
        + provider_block + "\n")
    data, outputs, inputs = {}, {}, []
    for i, (type_name, values) in enumerate(resources):
        label = f"r{i}"
        inputs.append((type_name, {k: v for k, v in values.items() if k not in COMPUTED[type_name] and v is not None}))
        data.setdefault(type_name, {})[label] = inputs[-1][1]
        outputs[label] = {"value": {
            "type": type_name,
            "yaml": f"${{data.{type_name}.{label}.manifest_yaml}}",
            "json": f"${{data.{type_name}.{label}.manifest_json}}",
        }}
    (stack / "data.tf.json").write_text(json.dumps({"data": data, "output": outputs}, indent=2))
    spec = tmp_path / "spec.hcl"
    spec.write_text(render_spec(provider_block, inputs))
    texts = planned_outputs(plan_json(stack, provider_dir))
    return [texts[f"r{i}"] for i in range(len(resources))], spec


def rendered_files(backstop_bin, spec: pathlib.Path, fmt: str, out: pathlib.Path) -> dict[str, str]:
    done = subprocess.run([backstop_bin, "render", spec, "--format", fmt, "--out", out], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + spec.read_text()
    return {p.name: p.read_text() for p in out.iterdir()}


# The objects of each data source's texts, in order: the volume's pair, the job's settings
# ConfigMap before the CronJob that reads it, the alert's rule.
KINDS = {"backstop_nfs_backup_volume": ["PersistentVolume", "PersistentVolumeClaim"],
         "backstop_backup_job": ["ConfigMap", "CronJob"], "backstop_backup_alert": ["PrometheusRule"]}


def object_files(text_yaml: str, type_name: str) -> list[str]:
    """The `backstop render --out` file names of the objects in one data source's YAML."""
    kinds = re.findall(r"^kind: (\S+)$", text_yaml, re.M)
    names = re.findall(r"^metadata:\n(?:  .*\n)*?  name: (\S+)$", text_yaml, re.M)
    assert kinds == KINDS[type_name] and len(names) == len(kinds), text_yaml[:300]
    return [f"{kind.lower()}-{name}" for kind, name in zip(kinds, names)]


@pytest.mark.parametrize("example", ["mailserver", "vaultwarden", "dbaas"])
def test_data_source_texts_are_what_backstop_render_writes(example, provider_bin, backstop_bin, tmp_path):
    read, spec = read_through_data_sources(example, provider_bin.parent, tmp_path)
    yaml_files = rendered_files(backstop_bin, spec, "yaml", tmp_path / "yaml")
    json_files = rendered_files(backstop_bin, spec, "json", tmp_path / "json")
    compared = 0
    for texts in read:
        names = object_files(texts["yaml"], texts["type"])
        assert texts["yaml"] == "---\n".join(yaml_files[f"{n}.yaml"] for n in names)
        if len(names) == 1:
            assert texts["json"] == json_files[f"{names[0]}.json"]
        else:
            # A volume's or a job's objects are one array, as `render --format json` prints several.
            objects = [json.loads(json_files[f"{n}.json"]) for n in names]
            assert json.loads(texts["json"]) == objects
            assert texts["json"] == json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
        compared += len(names)
    assert compared >= 5 and compared == len(yaml_files)

    if example == "mailserver":
        # The whole stream, in render's order (volume, the job's ConfigMap and CronJob, alert),
        # is render's stdout, and the example's inputs are those of examples/render/mailserver.hcl.
        stdout = subprocess.run([backstop_bin, "render", REPO / "examples" / "render" / "mailserver.hcl"],
                                capture_output=True, text=True, check=True).stdout
        by_type = {t["type"]: t["yaml"] for t in read}
        assert "---\n".join(by_type[t] for t in ("backstop_nfs_backup_volume", "backstop_backup_job",
                                                 "backstop_backup_alert")) == stdout
