"""Fixtures shared by every acceptance test: where the built binaries and the repo are.

The tests drive real components (the release binaries, Terraform, busybox, promtool,
Pushgateway, PostgreSQL, MariaDB); `scripts/test` installs them and builds the binaries
before pytest starts.
"""
import os
import pathlib
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
RELEASE = REPO / "target" / "release"


def _binary(name: str) -> pathlib.Path:
    path = RELEASE / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `cargo build --release --workspace` (scripts/test does)")
    return path


@pytest.fixture(scope="session")
def repo() -> pathlib.Path:
    return REPO


@pytest.fixture(scope="session")
def backstop_bin() -> pathlib.Path:
    return _binary("backstop")


@pytest.fixture(scope="session")
def provider_bin() -> pathlib.Path:
    return _binary("terraform-provider-backstop")


def require_tool(name: str) -> str:
    """The path of a tool `scripts/install-test-tools` provides; a missing one is a failure, not a skip.
    The project's venv comes first: its `terraform` is the pinned 1.15.5, and another one on
    PATH (this development machine has a 1.11 in /usr/local/bin) must not be picked up."""
    found = shutil.which(name, path=str(REPO / ".venv" / "bin") + os.pathsep + os.environ.get("PATH", ""))
    if not found:
        pytest.fail(f"`{name}` is not installed: run scripts/install-test-tools")
    return found


def offline_terraform(args: list, cwd: pathlib.Path, cli_config: str, home: pathlib.Path,
                      extra_env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Real Terraform with only the given CLI config (written to `home/cli.tfrc`), a private
    HOME (no implied plugin mirrors) and a proxy that does not exist: Go never proxies
    loopback, so any request beyond loopback fails instead of silently reaching the internet."""
    binary = require_tool("terraform")
    home.mkdir(parents=True, exist_ok=True)
    (home / "cli.tfrc").write_text(cli_config)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(home / "cli.tfrc"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        **(extra_env or {}),
    }
    done = subprocess.run([binary, *args, "-no-color"], cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        pytest.fail(f"terraform {' '.join(args)} in {cwd} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done
