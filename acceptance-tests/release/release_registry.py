"""A tiny Terraform provider registry (the provider registry protocol) on loopback HTTPS.

It serves one provider version from a directory of release artifacts, the way a real
registry does: service discovery, the version list, and the download document that names
the zip, the SHA256SUMS, its signature and the ASCII-armored public key. Terraform then
verifies the signature and the checksums itself, which is what the tests exercise.
Protocol: https://developer.hashicorp.com/terraform/internals/provider-registry-protocol
"""
from __future__ import annotations

import dataclasses
import http.server
import json
import pathlib
import ssl
import threading


@dataclasses.dataclass
class Release:
    namespace: str
    type: str
    version: str
    os: str
    arch: str
    artifacts: pathlib.Path  # the directory scripts/release wrote
    key_id: str
    ascii_armor: str

    @property
    def prefix(self) -> str:
        return f"terraform-provider-{self.type}_{self.version}"

    @property
    def zip_name(self) -> str:
        return f"{self.prefix}_{self.os}_{self.arch}.zip"

    @property
    def sums_name(self) -> str:
        return f"{self.prefix}_SHA256SUMS"

    def zip_shasum(self) -> str:
        """The zip's entry in the signed SHA256SUMS, as a registry reports it."""
        for line in (self.artifacts / self.sums_name).read_text().splitlines():
            digest, _, name = line.partition("  ")
            if name == self.zip_name:
                return digest
        raise AssertionError(f"{self.zip_name} is not listed in {self.sums_name}")


class Registry:
    """Serves `release` at https://localhost:<port>/ until `close()`; files are read at request time."""

    def __init__(self, release: Release, cert: pathlib.Path, key: pathlib.Path):
        self.release = release
        handler = _handler_for(self)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def hostname(self) -> str:
        return f"localhost:{self.port}"

    @property
    def base_url(self) -> str:
        return f"https://{self.hostname}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of `path`."""
        r = self.release
        providers = f"/v1/providers/{r.namespace}/{r.type}"
        if path == "/.well-known/terraform.json":
            return _json({"providers.v1": "/v1/providers/"})
        if path == f"{providers}/versions":
            return _json(
                {
                    "versions": [
                        {
                            "version": r.version,
                            "protocols": ["6.0"],
                            "platforms": [{"os": r.os, "arch": r.arch}],
                        }
                    ]
                }
            )
        if path == f"{providers}/{r.version}/download/{r.os}/{r.arch}":
            return _json(
                {
                    "protocols": ["6.0"],
                    "os": r.os,
                    "arch": r.arch,
                    "filename": r.zip_name,
                    "download_url": f"{self.base_url}/files/{r.zip_name}",
                    "shasums_url": f"{self.base_url}/files/{r.sums_name}",
                    "shasums_signature_url": f"{self.base_url}/files/{r.sums_name}.sig",
                    "shasum": r.zip_shasum(),
                    "signing_keys": {"gpg_public_keys": [{"key_id": r.key_id, "ascii_armor": r.ascii_armor}]},
                }
            )
        if path.startswith("/files/"):
            file = r.artifacts / path.removeprefix("/files/")
            if file.parent == r.artifacts and file.is_file():
                return 200, "application/octet-stream", file.read_bytes()
        return 404, "application/json", b'{"errors":["Not Found"]}'


def _json(document: dict) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(document).encode()


def _handler_for(registry: Registry) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
            registry.requests.append(self.path)
            status, content_type, body = registry.respond(self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output quiet
            pass

    return Handler
