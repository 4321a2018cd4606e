"""A Terraform working directory that installs the built provider from a filesystem mirror
(`terraform init`), so that plans print exactly what a user sees: no dev_overrides
warning on top of every output."""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import tomllib

from provider_support import REPO, require_tool


def workspace_version() -> str:
    return tomllib.loads((REPO / "Cargo.toml").read_text())["workspace"]["package"]["version"]


class MirrorWorkspace:
    def __init__(self, path: pathlib.Path, provider_bin: pathlib.Path):
        self.path = path
        self.terraform = require_tool("terraform")
        platform = path / "mirror" / "registry.terraform.io" / "backstop" / "backstop" / workspace_version() / "linux_amd64"
        platform.mkdir(parents=True)
        shutil.copy(provider_bin, platform / "terraform-provider-backstop")
        (path / "cli.tfrc").write_text(
            "provider_installation {\n  filesystem_mirror {\n"
            f'    path    = "{path / "mirror"}"\n    include = ["registry.terraform.io/backstop/backstop"]\n'
            "  }\n}\n")
        self.stack = path / "stack"
        self.stack.mkdir()
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(path),
            "TF_CLI_CONFIG_FILE": str(path / "cli.tfrc"),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([self.terraform, *args], cwd=self.stack, env=self.env, capture_output=True, text=True,
                              timeout=300)
        if check and done.returncode not in (0, 2):
            raise AssertionError(f"terraform {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def human_plan(self) -> list[str]:
        """Every line `terraform plan -no-color` prints (stdout and stderr)."""
        done = self.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
        return (done.stdout + done.stderr).splitlines()

    def no_change(self) -> subprocess.CompletedProcess:
        return self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", check=False)

    def state(self) -> dict:
        return json.loads(self.run("show", "-json").stdout)
