"""GoReleaser is not obtainable here, so .goreleaser.yaml is checked by construction: its
name templates, rendered for the host platform, must name exactly the artifacts that
`scripts/release` builds (and the install tests install), and its signing and checksum
settings must be the ones the registry requires."""
from __future__ import annotations

import re

import pytest
import yaml

from release_support import HOST_ARCH, HOST_OS

# GoReleaser's Rust builder maps a target triple's arch to GOARCH (internal/builders/rust).
RUST_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


@pytest.fixture(scope="module")
def config(repo) -> dict:
    return yaml.safe_load((repo / ".goreleaser.yaml").read_text())


def render(template: str, **fields: str) -> str:
    def field(match: re.Match) -> str:
        name = match.group(1)
        if name not in fields:
            pytest.fail(f"template field .{name} in {template!r} is not one this test knows")
        return fields[name]

    return re.sub(r"\{\{\s*\.(\w+)\s*\}\}", field, template)


def test_templates_name_the_artifacts_scripts_release_builds(config, release_dir, workspace_version):
    fields = {"ProjectName": config["project_name"], "Version": workspace_version, "Os": HOST_OS, "Arch": HOST_ARCH}
    (archive,) = config["archives"]
    checksum = config["checksum"]
    (manifest,) = checksum["extra_files"]
    expected = {
        render(archive["name_template"], **fields) + ".zip",
        render(checksum["name_template"], **fields),
        render(checksum["name_template"], **fields) + ".sig",
        render(manifest["name_template"], **fields),
    }
    assert expected == {p.name for p in release_dir.iterdir()}
    (build,) = config["builds"]
    assert render(build["binary"], **fields) == f"terraform-provider-backstop_v{workspace_version}"


def test_the_build_targets_include_the_host_platform_names(config):
    (build,) = config["builds"]
    platforms = {(t.split("-")[2], RUST_ARCH[t.split("-")[0]]) for t in build["targets"]}
    assert ("linux", "amd64") in platforms and ("darwin", "arm64") in platforms
    assert (HOST_OS, HOST_ARCH) in platforms


def test_zig_for_cargo_zigbuild_comes_from_the_venv_the_hooks_create(config):
    python = next(e.split("=", 1)[1] for e in config["env"] if e.startswith("CARGO_ZIGBUILD_PYTHON_PATH="))
    venv = python.removesuffix("/bin/python")
    hooks = config["before"]["hooks"]
    assert f"python3 -m venv {venv}" in hooks
    assert any(h.startswith(f"{venv}/bin/pip install ziglang==") for h in hooks)
    assert any(h.startswith("cargo install --locked cargo-zigbuild@") for h in hooks)


def test_registry_requirements(config, repo):
    assert config["version"] == 2
    (build,) = config["builds"]
    assert build["builder"] == "rust"
    assert "--package=terraform-provider-backstop" in build["flags"], "workspaces need --package"
    # The Rust builder copies target/<triple>/release/<binary>: the pre hooks must leave the
    # versioned file there (the builder's own cargo run is then a no-op).
    hooks = [h["cmd"] for h in build["hooks"]["pre"]]
    assert hooks[-1].startswith("cp ") and hooks[-1].endswith("target/{{ .Target }}/release/{{ .Name }}")
    (archive,) = config["archives"]
    assert archive["formats"] == ["zip"]
    assert config["checksum"]["algorithm"] == "sha256"
    (manifest,) = config["checksum"]["extra_files"]
    assert (repo / manifest["glob"]).is_file()
    (sign,) = config["signs"]
    assert sign["artifacts"] == "checksum"
    assert "--detach-sign" in sign["args"] and "--armor" not in sign["args"], "the registry wants a binary signature"
