"""Helpers of the install-path tests: running commands and Terraform, the signing key and
the loopback CA types, and Terraform's own package hash (`h1:`) computed independently.

`require_tool` comes from the top-level conftest; both conftest files are named
`conftest`, so that one is loaded by path under a name of its own."""
from __future__ import annotations

import dataclasses
import importlib.util
import os
import pathlib
import subprocess

import pytest

_spec = importlib.util.spec_from_file_location(
    "acceptance_tests_conftest", pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
)
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

require_tool = _shared.require_tool

# The host platform as Terraform and scripts/release name it.
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
HOST_OS = os.uname().sysname.lower()
HOST_ARCH = _ARCH.get(os.uname().machine, os.uname().machine)


def run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    """Runs a command, failing the test with its output when it exits non-zero."""
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, argv))} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


@dataclasses.dataclass
class SigningKey:
    homedir: pathlib.Path
    fingerprint: str
    key_id: str  # the long (16 hex digit) id, as the registry protocol reports it
    ascii_armor: str


def make_signing_key(homedir: pathlib.Path) -> SigningKey:
    """An RSA key (the registry refuses ECC keys) without passphrase, in its own GnuPG home."""
    gpg = require_tool("gpg")
    homedir.mkdir(mode=0o700)
    params = homedir / "key-params"
    params.write_text(
        "%no-protection\nKey-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\n"
        "Name-Real: Backstop release test\nName-Email: release-test@backstop.invalid\n"
        "Expire-Date: 0\n%commit\n"
    )
    run([gpg, "--homedir", homedir, "--batch", "--gen-key", params])
    colons = run([gpg, "--homedir", homedir, "--batch", "--with-colons", "--list-secret-keys"]).stdout
    fingerprint = next(line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr:"))
    armor = run([gpg, "--homedir", homedir, "--batch", "--armor", "--export", fingerprint]).stdout
    return SigningKey(homedir, fingerprint, fingerprint[-16:], armor)


def stop_gpg_agent(key: SigningKey) -> None:
    """gpg starts an agent per home; stop it so no test leaves a daemon behind."""
    subprocess.run([require_tool("gpgconf"), "--homedir", str(key.homedir), "--kill", "gpg-agent"],
                   capture_output=True)


@dataclasses.dataclass
class LoopbackCA:
    ca_cert: pathlib.Path
    server_cert: pathlib.Path
    server_key: pathlib.Path


def terraform(args: list, cwd: pathlib.Path, cli_config: str, extra_env: dict | None = None,
              check: bool = True) -> subprocess.CompletedProcess:
    """Real Terraform, offline, with only the given CLI config."""
    return _shared.offline_terraform(args, cwd, cli_config, cwd / "home", extra_env, check)


def package_hash_h1(zip_path: pathlib.Path) -> str:
    """Terraform's `h1:` hash of a provider zip (Go's dirhash.Hash1 over the zip's files):
    base64 of the SHA-256 of the sorted lines `<sha256 hex>  <name>\\n`, one per file."""
    import base64
    import hashlib
    import zipfile

    with zipfile.ZipFile(zip_path) as archive:
        names = sorted(n for n in archive.namelist() if not n.endswith("/"))
        summary = "".join(f"{hashlib.sha256(archive.read(n)).hexdigest()}  {n}\n" for n in names)
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


def lock_hashes(lock_file: pathlib.Path) -> set[str]:
    """Every `h1:`/`zh:` string recorded in a .terraform.lock.hcl."""
    import re

    return set(re.findall(r'"((?:h1|zh):[^"]+)"', lock_file.read_text()))
