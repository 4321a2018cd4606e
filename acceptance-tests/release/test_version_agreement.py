"""One version everywhere: the workspace version in Cargo.toml is what both binaries
report, what the docs and the changelog name, and the protocol the binary speaks is the
one the registry manifest declares."""
from __future__ import annotations

import json
import os
import subprocess

from release_support import run

# go-plugin's handshake: Terraform sets this cookie, the plugin prints
# `core|app protocol|network|address|grpc|cert` on its first line.
MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def test_both_binaries_report_the_workspace_version(provider_bin, backstop_bin, workspace_version):
    assert run([provider_bin, "--version"]).stdout.split() == ["terraform-provider-backstop", workspace_version]
    assert workspace_version in run([backstop_bin, "--version"]).stdout.split()


def test_docs_and_changelog_name_the_workspace_version(repo, workspace_version):
    assert f"version `{workspace_version}`" in (repo / "docs" / "index.md").read_text()
    assert f"\n## [{workspace_version}]" in (repo / "CHANGELOG.md").read_text()


def test_manifest_declares_the_protocol_the_binary_speaks(repo, provider_bin):
    manifest = json.loads((repo / "terraform-registry-manifest.json").read_text())
    env = dict(os.environ, TF_PLUGIN_MAGIC_COOKIE=MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS="5,6")
    with subprocess.Popen([provider_bin], env=env, stdout=subprocess.PIPE, text=True) as plugin:
        try:
            handshake = plugin.stdout.readline().strip().split("|")
        finally:
            plugin.terminate()
    assert handshake[1] + ".0" in manifest["metadata"]["protocol_versions"]
    assert manifest == {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
