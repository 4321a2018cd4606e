"""The user's install path, end to end: `scripts/release` builds the registry artifact set,
and real `terraform init` installs it from a filesystem mirror and from a registry-protocol
server on loopback HTTPS, verifying checksums and the GPG signature; tampered artifacts
are refused. Nothing beyond loopback is reachable (see release_support.terraform)."""
from __future__ import annotations

import hashlib
import json
import pathlib
import shutil
import subprocess
import zipfile

import pytest

from release_registry import Registry, Release
from release_support import (
    HOST_ARCH,
    HOST_OS,
    lock_hashes,
    make_signing_key,
    package_hash_h1,
    require_tool,
    run,
    stop_gpg_agent,
    terraform,
)

NAME = "terraform-provider-backstop"


def artifact_names(version: str) -> dict[str, str]:
    prefix = f"{NAME}_{version}"
    return {
        "zip": f"{prefix}_{HOST_OS}_{HOST_ARCH}.zip",
        "manifest": f"{prefix}_manifest.json",
        "sums": f"{prefix}_SHA256SUMS",
        "sig": f"{prefix}_SHA256SUMS.sig",
    }


def sums_entries(release_dir: pathlib.Path, version: str) -> dict[str, str]:
    """file name -> sha256 hex, parsed from the released SHA256SUMS."""
    text = (release_dir / artifact_names(version)["sums"]).read_text()
    return {name: digest for digest, _, name in (line.partition("  ") for line in text.splitlines())}


def required_providers(source: str, version: str) -> str:
    return (
        "terraform {\n  required_providers {\n    backstop = {\n"
        f'      source  = "{source}"\n      version = "{version}"\n'
        "    }\n  }\n}\n"
    )


def test_release_holds_exactly_the_registry_artifact_set(release_dir, workspace_version, signing_key):
    names = artifact_names(workspace_version)
    assert sorted(p.name for p in release_dir.iterdir()) == sorted(names.values())

    with zipfile.ZipFile(release_dir / names["zip"]) as archive:
        assert archive.namelist() == [f"{NAME}_v{workspace_version}"]
    manifest = json.loads((release_dir / names["manifest"]).read_text())
    assert manifest == {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}

    entries = sums_entries(release_dir, workspace_version)
    assert set(entries) == {names["zip"], names["manifest"]}
    for file, digest in entries.items():
        assert hashlib.sha256((release_dir / file).read_bytes()).hexdigest() == digest, file

    sig = (release_dir / names["sig"]).read_bytes()
    assert not sig.startswith(b"-----BEGIN"), "the registry wants a binary signature, not an armored one"
    run([require_tool("gpg"), "--homedir", signing_key.homedir, "--batch", "--verify",
         release_dir / names["sig"], release_dir / names["sums"]])


def test_released_binary_reports_the_workspace_version(release_dir, workspace_version, tmp_path):
    names = artifact_names(workspace_version)
    with zipfile.ZipFile(release_dir / names["zip"]) as archive:
        archive.extractall(tmp_path)
    binary = tmp_path / f"{NAME}_v{workspace_version}"
    binary.chmod(0o755)
    assert workspace_version in run([binary, "--version"]).stdout


def test_release_refuses_a_version_that_is_not_the_workspace_version(repo, tmp_path):
    done = subprocess.run([repo / "scripts" / "release", "--version", "v999.0.0", "--out", tmp_path],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "not the workspace version" in done.stderr
    assert list(tmp_path.iterdir()) == []


# --- filesystem mirror -------------------------------------------------------------------

def mirror_of(release_dir: pathlib.Path, version: str, root: pathlib.Path) -> pathlib.Path:
    """The packed mirror layout: HOSTNAME/NAMESPACE/TYPE/<the release zip>."""
    folder = root / "registry.terraform.io" / "backstop" / "backstop"
    folder.mkdir(parents=True)
    shutil.copy(release_dir / artifact_names(version)["zip"], folder)
    return root


def mirror_config(mirror: pathlib.Path) -> str:
    return (
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n    include = ["registry.terraform.io/backstop/backstop"]\n'
        "  }\n}\n"
    )


def pinned_lock(source: str, version: str, zh: str) -> str:
    """The lock file a team commits after a registry install: pinned to the signed zip hash."""
    return (
        f'provider "{source}" {{\n  version     = "{version}"\n  constraints = "{version}"\n'
        f'  hashes = [\n    "zh:{zh}",\n  ]\n}}\n'
    )


@pytest.fixture
def mirror_stack(release_dir, workspace_version, tmp_path):
    mirror = mirror_of(release_dir, workspace_version, tmp_path / "mirror")
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "versions.tf").write_text(required_providers("backstop/backstop", workspace_version))
    zip_sha = sums_entries(release_dir, workspace_version)[artifact_names(workspace_version)["zip"]]
    return mirror, stack, zip_sha


def test_mirror_install_matches_the_signed_checksums(mirror_stack, release_dir, workspace_version):
    mirror, stack, zip_sha = mirror_stack
    (stack / ".terraform.lock.hcl").write_text(
        pinned_lock("registry.terraform.io/backstop/backstop", workspace_version, zip_sha))

    done = terraform(["init", "-input=false"], stack, mirror_config(mirror))

    assert f"Installed backstop/backstop v{workspace_version}" in done.stdout
    zip_path = release_dir / artifact_names(workspace_version)["zip"]
    # Terraform kept the SHA256SUMS entry and added the hash of what it unpacked, which is
    # the hash of the released zip's contents.
    assert lock_hashes(stack / ".terraform.lock.hcl") == {f"zh:{zip_sha}", package_hash_h1(zip_path)}
    installed = stack / ".terraform" / "providers" / "registry.terraform.io" / "backstop" / "backstop" \
        / workspace_version / f"{HOST_OS}_{HOST_ARCH}" / f"{NAME}_v{workspace_version}"
    assert installed.read_bytes() == zipfile.ZipFile(zip_path).read(f"{NAME}_v{workspace_version}")


def test_mirror_refuses_a_tampered_zip(mirror_stack, workspace_version):
    mirror, stack, zip_sha = mirror_stack
    (stack / ".terraform.lock.hcl").write_text(
        pinned_lock("registry.terraform.io/backstop/backstop", workspace_version, zip_sha))
    tamper_zip(next(mirror.rglob("*.zip")), workspace_version)

    done = terraform(["init", "-input=false"], stack, mirror_config(mirror), check=False)

    assert done.returncode != 0
    assert "doesn't match any of the checksums" in " ".join(done.stderr.split())
    assert not (stack / ".terraform" / "providers").exists() or not any(
        (stack / ".terraform" / "providers").rglob(f"{NAME}_v*"))


def tamper_zip(zip_path: pathlib.Path, version: str) -> None:
    """Rewrites the zip with one byte of the binary changed, same file name."""
    member = f"{NAME}_v{version}"
    with zipfile.ZipFile(zip_path) as archive:
        binary = bytearray(archive.read(member))
    binary[len(binary) // 2] ^= 0xFF
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, bytes(binary))


# --- registry protocol over loopback HTTPS -----------------------------------------------

@pytest.fixture
def registry(release_dir, workspace_version, signing_key, loopback_ca, tmp_path):
    """A registry serving a private copy of the release, so a test may tamper with it."""
    artifacts = tmp_path / "artifacts"
    shutil.copytree(release_dir, artifacts)
    release = Release("backstop", "backstop", workspace_version, HOST_OS, HOST_ARCH, artifacts,
                      signing_key.key_id, signing_key.ascii_armor)
    server = Registry(release, loopback_ca.server_cert, loopback_ca.server_key)
    yield server
    server.close()


def registry_init(registry: Registry, loopback_ca, tmp_path: pathlib.Path):
    stack = tmp_path / "stack"
    stack.mkdir()
    source = f"{registry.hostname}/backstop/backstop"
    (stack / "versions.tf").write_text(required_providers(source, registry.release.version))
    config = f'provider_installation {{\n  direct {{\n    include = ["{registry.hostname}/*/*"]\n  }}\n}}\n'
    done = terraform(["init", "-input=false"], stack, config,
                     extra_env={"SSL_CERT_FILE": str(loopback_ca.ca_cert)}, check=False)
    return stack, done


def test_registry_install_verifies_the_signature(registry, loopback_ca, release_dir, workspace_version,
                                                 signing_key, tmp_path):
    stack, done = registry_init(registry, loopback_ca, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    # "self-signed" is Terraform's word for a valid signature by a key that is not HashiCorp's.
    assert f"self-signed, key ID {signing_key.key_id}" in done.stdout
    names = artifact_names(workspace_version)
    assert f"/files/{names['sig']}" in registry.requests
    expected = {f"zh:{digest}" for digest in sums_entries(release_dir, workspace_version).values()}
    expected.add(package_hash_h1(release_dir / names["zip"]))
    assert lock_hashes(stack / ".terraform.lock.hcl") == expected


def test_registry_refuses_a_tampered_zip(registry, loopback_ca, workspace_version, tmp_path):
    tamper_zip(registry.release.artifacts / artifact_names(workspace_version)["zip"], workspace_version)

    stack, done = registry_init(registry, loopback_ca, tmp_path)

    assert done.returncode != 0
    assert "archive has incorrect checksum" in " ".join(done.stderr.split())
    assert not (stack / ".terraform.lock.hcl").exists()


def test_registry_refuses_a_tampered_signature(registry, loopback_ca, workspace_version, tmp_path):
    sig = registry.release.artifacts / artifact_names(workspace_version)["sig"]
    data = bytearray(sig.read_bytes())
    data[-1] ^= 0xFF
    sig.write_bytes(bytes(data))

    stack, done = registry_init(registry, loopback_ca, tmp_path)

    assert done.returncode != 0
    assert "error checking signature" in " ".join(done.stderr.split())
    assert not (stack / ".terraform.lock.hcl").exists()


def test_registry_refuses_a_signature_by_another_key(registry, loopback_ca, workspace_version, tmp_path):
    intruder = make_signing_key(tmp_path / "intruder")
    names = artifact_names(workspace_version)
    artifacts = registry.release.artifacts
    try:
        run([require_tool("gpg"), "--homedir", intruder.homedir, "--batch", "--yes", "--output",
             artifacts / names["sig"], "--detach-sign", artifacts / names["sums"]])
    finally:
        stop_gpg_agent(intruder)

    stack, done = registry_init(registry, loopback_ca, tmp_path)

    assert done.returncode != 0
    assert "signature from unknown issuer" in " ".join(done.stderr.split())
    assert not (stack / ".terraform.lock.hcl").exists()


# --- the installed provider serves real stacks -------------------------------------------

@pytest.mark.parametrize("stack", ["mailserver", "vaultwarden"])
def test_stack_plans_with_the_provider_installed_from_the_mirror(stack, repo, release_dir, workspace_version,
                                                                 tmp_path):
    """What a user does after `terraform init`: plan a real stack with the released binary."""
    example = repo / "examples" / stack
    if not example.is_dir():
        pytest.fail(f"{example} is missing: the install-path test plans it")
    mirror = mirror_of(release_dir, workspace_version, tmp_path / "mirror")
    shutil.copytree(example, tmp_path / "examples" / stack)
    shutil.copytree(repo / "modules", tmp_path / "modules")
    workdir = tmp_path / "examples" / stack

    init = terraform(["init", "-input=false"], workdir, mirror_config(mirror))
    assert f"Installed backstop/backstop v{workspace_version}" in init.stdout
    plan = terraform(["plan", "-input=false"], workdir, mirror_config(mirror))

    assert "backstop_backup_job" in plan.stdout
    assert "Plan:" in plan.stdout and " to add" in plan.stdout
