"""Helpers of the example tests: copy an example (with the modules it calls) to a scratch
folder and plan it with real Terraform against the built provider (dev_overrides), with a
proxy that does not exist so that nothing beyond loopback is reachable."""
from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import shutil
import subprocess
import textwrap

import pytest

_spec = importlib.util.spec_from_file_location(
    "acceptance_tests_conftest", pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
)
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
require_tool = _shared.require_tool
REPO = _shared.REPO
EXAMPLES = REPO / "examples"

# The registry-layout examples the docs embed: (folder under examples/, file name).
REGISTRY_EXAMPLE_FILES = {"provider": "provider.tf", "resources": "resource.tf",
                          "data-sources": "data-source.tf", "functions": "function.tf"}


def registry_examples() -> list[pathlib.Path]:
    """Every registry-layout example file, found on disk so that a new one is planned too."""
    found = [EXAMPLES / "provider" / "provider.tf"]
    for folder in ("resources", "data-sources", "functions"):
        found += sorted((EXAMPLES / folder).glob(f"*/{REGISTRY_EXAMPLE_FILES[folder]}"))
    return found


def scratch_copy(tmp_path: pathlib.Path, *relative: str) -> pathlib.Path:
    """Copies repo folders (keeping their relative layout, so `../../modules` resolves)."""
    for rel in relative:
        shutil.copytree(REPO / rel, tmp_path / rel, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    return tmp_path


def terraform(args: list, cwd: pathlib.Path, provider_dir: pathlib.Path,
              check: bool = True) -> subprocess.CompletedProcess:
    """Real Terraform, offline, with the built provider through dev_overrides."""
    cli_config = (
        "provider_installation {\n  dev_overrides {\n"
        f'    "backstop/backstop" = "{provider_dir}"\n  }}\n  direct {{}}\n}}\n'
    )
    return _shared.offline_terraform(args, cwd, cli_config, cwd / ".home", check=check)


def plan_json(cwd: pathlib.Path, provider_dir: pathlib.Path) -> dict:
    """Plan, and the plan as JSON. `init` would look the overridden provider up in the
    registry, so only the modules are installed (`terraform get`)."""
    terraform(["get"], cwd, provider_dir)
    terraform(["plan", "-input=false", "-out=tfplan"], cwd, provider_dir)
    return json.loads(terraform(["show", "-json", "tfplan"], cwd, provider_dir).stdout)


def planned_resources(plan: dict) -> dict[str, dict]:
    """address -> planned values of every managed resource, modules included."""
    out = {}

    def walk(module: dict) -> None:
        for resource in module.get("resources", []):
            if resource.get("mode", "managed") == "managed":
                out[resource["address"]] = resource["values"]
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return out


def planned_outputs(plan: dict) -> dict:
    return {name: o.get("value") for name, o in plan["planned_values"].get("outputs", {}).items()}


def terragrunt_generated_file(terragrunt_hcl: pathlib.Path, block: str) -> tuple[str, str]:
    """(path, contents) of a `generate "<block>"` whose contents is a `<<-EOT` heredoc, as
    Terragrunt would write it (Terragrunt itself is not obtainable here)."""
    text = terragrunt_hcl.read_text()
    match = re.search(
        rf'generate\s+"{block}"\s*{{.*?path\s*=\s*"([^"]+)".*?contents\s*=\s*<<-EOT\n(.*?)\n\s*EOT', text, re.S)
    if not match:
        pytest.fail(f"{terragrunt_hcl}: no generate \"{block}\" block with a <<-EOT heredoc")
    return match.group(1), textwrap.dedent(match.group(2)) + "\n"


def before_hook_command(terragrunt_hcl: pathlib.Path, hook: str) -> list[str]:
    """The `execute` list of a Terragrunt before_hook (string literals only)."""
    text = terragrunt_hcl.read_text()
    match = re.search(rf'before_hook\s+"{hook}"\s*{{.*?execute\s*=\s*\[([^\]]*)\]', text, re.S)
    if not match:
        pytest.fail(f"{terragrunt_hcl}: no before_hook \"{hook}\" with an execute list")
    return re.findall(r'"([^"]*)"', match.group(1))
