"""Helpers for the provider's acceptance tests: a Terraform workspace that loads the
release build of the provider through `dev_overrides`, with AutoMTLS on (Terraform's
default), `TF_LOG=trace` and `TF_LOG_PATH`.
"""
import importlib.util
import json
import os
import pathlib
import subprocess
import textwrap

import pytest


def _root_conftest():
    """The suite-wide conftest, loaded under its own name (every folder has a `conftest`)."""
    path = pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("acceptance_root_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


require_tool = _root_conftest().require_tool
REPO = pathlib.Path(__file__).resolve().parent.parent.parent

PROVIDER_SOURCE = "backstop/backstop"
PROVIDER_ADDRESS = "registry.terraform.io/backstop/backstop"

REQUIRED_PROVIDERS = textwrap.dedent(
    f"""\
    terraform {{
      required_providers {{
        backstop = {{ source = "{PROVIDER_SOURCE}" }}
      }}
    }}
    """
)


class Workspace:
    """A Terraform working directory with its own CLI config, state and trace log."""

    def __init__(self, path: pathlib.Path, provider_dir: pathlib.Path):
        self.path = path
        self.terraform = require_tool("terraform")
        self.log_path = path / "terraform-trace.log"
        cli_config = path / "cli.tfrc"
        cli_config.write_text(
            textwrap.dedent(
                f"""\
                provider_installation {{
                  dev_overrides {{ "{PROVIDER_SOURCE}" = "{provider_dir}" }}
                  direct {{}}
                }}
                """
            )
        )
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
        self.env.update(
            TF_CLI_CONFIG_FILE=str(cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            TF_LOG="trace",
            TF_LOG_PATH=str(self.log_path),
            CHECKPOINT_DISABLE="1",
        )

    def write(self, body: str, name: str = "main.tf") -> None:
        (self.path / name).write_text(REQUIRED_PROVIDERS + "\n" + textwrap.dedent(body))

    def run(self, *args: str, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [self.terraform, *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            pytest.fail(f"terraform {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def run_json(self, *args: str, check: bool = True) -> list[dict]:
        """Runs with `-json` and returns the machine-readable UI messages."""
        result = self.run(*args, "-json", check=check)
        try:
            # `validate -json` prints one document; the other commands print one message a line.
            return [json.loads(result.stdout)]
        except json.JSONDecodeError:
            return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]

    def show_plan(self, *plan_args: str) -> dict:
        """`plan -out` then `show -json`: the planned values with their unknown markers."""
        self.run("plan", "-out=tfplan", *plan_args)
        return json.loads(self.run("show", "-json", "tfplan").stdout)

    def state(self) -> dict:
        return json.loads(self.run("show", "-json").stdout)

    def provider_log_lines(self) -> list[str]:
        """Lines of the trace log that carry the provider's stderr."""
        if not self.log_path.exists():
            return []
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if "terraform-provider-backstop" in line or "backstop:" in line
        ]


def resource_change(plan: dict, address: str) -> dict:
    for change in plan.get("resource_changes", []):
        if change["address"] == address:
            return change
    pytest.fail(f"{address} is not in the plan: {[c['address'] for c in plan.get('resource_changes', [])]}")


def errors(messages: list[dict]) -> list[dict]:
    """The error diagnostics of a `-json` run (`validate -json` returns one document)."""
    found = []
    for message in messages:
        if message.get("type") == "diagnostic":
            found.append(message["diagnostic"])
        found.extend(message.get("diagnostics", []))
    return [d for d in found if d.get("severity") == "error"]
