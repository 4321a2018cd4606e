"""Fixtures for the install-path tests: a throwaway signing key, the release artifacts that
`scripts/release` builds with it, and a throwaway TLS CA."""
from __future__ import annotations

import os
import pathlib

import pytest

from release_support import LoopbackCA, make_signing_key, require_tool, run, stop_gpg_agent


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory):
    key = make_signing_key(tmp_path_factory.mktemp("gpg") / "home")
    yield key
    stop_gpg_agent(key)


@pytest.fixture(scope="session")
def workspace_version(repo) -> str:
    import tomllib

    return tomllib.loads((repo / "Cargo.toml").read_text())["workspace"]["package"]["version"]


@pytest.fixture(scope="session")
def release_dir(repo, signing_key, tmp_path_factory) -> pathlib.Path:
    """The artifact set of `scripts/release`, signed with the throwaway key."""
    for tool in ("gpg", "zip", "sha256sum", "cargo"):
        require_tool(tool)
    out = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, GPG_KEY_ID=signing_key.fingerprint)
    run([repo / "scripts" / "release", "--out", out, "--gpg-homedir", signing_key.homedir], env=env, cwd=repo)
    return out


@pytest.fixture(scope="session")
def loopback_ca(tmp_path_factory) -> LoopbackCA:
    """A CA and a `localhost` server certificate it signed; Terraform trusts the CA through SSL_CERT_FILE."""
    openssl = require_tool("openssl")
    d = tmp_path_factory.mktemp("tls")
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Backstop test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
         "-keyout", d / "ca.key", "-out", d / "ca.pem"])
    run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", d / "server.key", "-out", d / "server.csr"])
    (d / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run([openssl, "x509", "-req", "-days", "1", "-in", d / "server.csr", "-CA", d / "ca.pem", "-CAkey", d / "ca.key",
         "-CAcreateserial", "-extfile", d / "server.ext", "-out", d / "server.pem"])
    return LoopbackCA(d / "ca.pem", d / "server.pem", d / "server.key")
