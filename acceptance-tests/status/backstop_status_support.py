"""Real components for `backstop status`: a Prometheus server (Debian's 2.42) started on
loopback with a temporary data folder, a loopback endpoint serving kube-state-metrics series
the test writes, a real Pushgateway, and a repository of declared backups.

Prometheus evaluates `time()` on the real clock, so stale and never-succeeded cases are
made by serving timestamps in the past, never by faking Prometheus's clock.
"""
import base64
import http.server
import importlib.util
import json
import pathlib
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

_RENDER_SUPPORT = pathlib.Path(__file__).resolve().parent.parent / "render" / "backstop_render_support.py"
_spec = importlib.util.spec_from_file_location("backstop_render_support_for_status", _RENDER_SUPPORT)
render_support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_support)
require_tool = render_support.require_tool
free_port = render_support.free_port


class MetricsEndpoint:
    """A loopback HTTP endpoint serving whatever text exposition the test sets: stands in
    for kube-state-metrics, whose series the test writes."""

    def __init__(self):
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = endpoint.text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.text = ""
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def ksm_text(cronjobs: list[dict], jobs: list[dict]) -> str:
    """kube-state-metrics series as KSM v2 writes them (absent timestamps stay absent).
    cronjobs: {namespace, cronjob, created, suspend, last_success (or None)};
    jobs: {namespace, job_name, owner, start, failed}."""
    lines = []
    for family, kind in [("kube_cronjob_info", "gauge"), ("kube_cronjob_created", "gauge"),
                         ("kube_cronjob_spec_suspend", "gauge"),
                         ("kube_cronjob_status_last_successful_time", "gauge"),
                         ("kube_job_owner", "gauge"), ("kube_job_status_start_time", "gauge"),
                         ("kube_job_failed", "gauge")]:
        lines.append(f"# TYPE {family} {kind}")
        for c in cronjobs:
            who = f'namespace="{c["namespace"]}",cronjob="{c["cronjob"]}"'
            if family == "kube_cronjob_info":
                lines.append(f'{family}{{{who},schedule="0 3 * * *",concurrency_policy="Forbid",timezone="local"}} 1')
            elif family == "kube_cronjob_created":
                lines.append(f"{family}{{{who}}} {c['created']}")
            elif family == "kube_cronjob_spec_suspend":
                lines.append(f"{family}{{{who}}} {1 if c.get('suspend') else 0}")
            elif family == "kube_cronjob_status_last_successful_time" and c.get("last_success"):
                lines.append(f"{family}{{{who}}} {c['last_success']}")
        for j in jobs:
            who = f'namespace="{j["namespace"]}",job_name="{j["job_name"]}"'
            if family == "kube_job_owner":
                lines.append(f'{family}{{{who},owner_kind="CronJob",owner_name="{j["owner"]}",owner_is_controller="true"}} 1')
            elif family == "kube_job_status_start_time":
                lines.append(f"{family}{{{who}}} {j['start']}")
            elif family == "kube_job_failed":
                for condition, value in [("true", 1 if j["failed"] else 0), ("false", 0 if j["failed"] else 1), ("unknown", 0)]:
                    lines.append(f'{family}{{{who},condition="{condition}"}} {value}')
    return "\n".join(lines) + "\n"


def make_tls(workdir: pathlib.Path) -> dict[str, pathlib.Path]:
    """A test CA and a server certificate for 127.0.0.1 signed by it (openssl CLI)."""
    openssl = require_tool("openssl")
    workdir.mkdir(parents=True, exist_ok=True)
    files = {name: workdir / f"{name}.pem" for name in ["ca", "ca-key", "cert", "key", "csr"]}
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    subprocess.run([openssl, "req", "-x509", *ec, "-keyout", files["ca-key"], "-out", files["ca"], "-days", "2",
                    "-subj", "/CN=backstop test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign"], check=True, capture_output=True)
    subprocess.run([openssl, "req", *ec, "-keyout", files["key"], "-out", files["csr"], "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    extensions = workdir / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    subprocess.run([openssl, "x509", "-req", "-in", files["csr"], "-CA", files["ca"], "-CAkey", files["ca-key"],
                    "-CAcreateserial", "-out", files["cert"], "-days", "2", "-extfile", extensions],
                   check=True, capture_output=True)
    return files


class Prometheus:
    """The real Prometheus server on loopback. Its --web.config.file adds basic auth
    (`auth` = (user, password), stored as a bcrypt hash) and TLS (`tls` from make_tls)."""

    def __init__(self, workdir: pathlib.Path, scrape: dict[str, dict], rule_files: list[pathlib.Path],
                 auth: tuple[str, str] | None = None, tls: dict | None = None):
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.auth = auth
        self.ssl = ssl.create_default_context(cafile=str(tls["ca"])) if tls else None
        self.config = workdir / "prometheus.yml"
        self.write_config(scrape, rule_files)
        command = [require_tool("prometheus"), f"--config.file={self.config}",
                   f"--storage.tsdb.path={workdir / 'data'}", f"--web.listen-address=127.0.0.1:{self.port}"]
        web = {}
        if auth:
            import bcrypt

            web["basic_auth_users"] = {auth[0]: bcrypt.hashpw(auth[1].encode(), bcrypt.gensalt(rounds=4)).decode()}
        if tls:
            web["tls_server_config"] = {"cert_file": str(tls["cert"]), "key_file": str(tls["key"])}
        if web:
            (workdir / "web.yml").write_text(json.dumps(web))
            command.append(f"--web.config.file={workdir / 'web.yml'}")
        self.log = open(workdir / "prometheus.log", "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        self.wait_for(lambda: self.get("/-/ready", raw=True) is not None, "to be ready", timeout=30)

    def write_config(self, scrape: dict[str, dict], rule_files: list[pathlib.Path]):
        """scrape: job name -> {"target": "host:port", "honor_labels": bool}."""
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
            "rule_files": [str(f) for f in rule_files],
            "scrape_configs": [
                {"job_name": name, "honor_labels": job.get("honor_labels", False),
                 "static_configs": [{"targets": [job["target"]]}]}
                for name, job in scrape.items()
            ],
        }
        self.config.write_text(json.dumps(config))

    def get(self, path: str, params: dict | None = None, raw: bool = False):
        url = f"{self.url}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url)
        if self.auth:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            body = urllib.request.urlopen(request, timeout=5, context=self.ssl).read()
        except (OSError, urllib.error.HTTPError):
            return None
        return body if raw else json.loads(body)["data"]

    def query(self, promql: str) -> list[dict]:
        data = self.get("/api/v1/query", {"query": promql})
        return [] if data is None else data["result"]

    def wait_for(self, condition, what: str, timeout: float = 30):
        """Polls `condition` every 0.1 s: no fixed sleeps."""
        deadline = time.time() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"prometheus exited: {(self.workdir / 'prometheus.log').read_text()[-2000:]}")
            if time.time() > deadline:
                raise AssertionError(f"prometheus at {self.url} did not come {what} within {timeout}s")
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.log.close()


class Proxy:
    """A loopback proxy in front of Prometheus that counts the requests it forwards and,
    given `bearer_token`, admits only `Authorization: Bearer <token>` (as kube-rbac-proxy
    or oauth2-proxy do in front of a Prometheus); upstream it uses `prometheus`'s own
    credentials and CA."""

    def __init__(self, prometheus: "Prometheus", bearer_token: str | None = None):
        proxy = self
        self.count = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.count += 1
                if bearer_token and self.headers.get("Authorization") != f"Bearer {bearer_token}":
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = prometheus.get(self.path, raw=True)
                self.send_response(200 if body is not None else 502)
                body = body or b""
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def start_pushgateway(workdir: pathlib.Path):
    """A real Pushgateway on loopback with private storage; returns (process, url)."""
    port = free_port()
    process = subprocess.Popen(
        [require_tool("prometheus-pushgateway"), f"--web.listen-address=127.0.0.1:{port}",
         f"--persistence.file={workdir / 'pushgateway.data'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=1)
            return process, url
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("prometheus-pushgateway did not start on loopback")
            time.sleep(0.1)


def run_status(backstop_bin, repo: pathlib.Path, url: str, *extra, paths=None, env=None) -> subprocess.CompletedProcess:
    """`backstop status` with no proxy from the environment (everything is on loopback)."""
    command = [str(backstop_bin), "status", *(paths or [str(repo)]), "--prometheus", url, *extra]
    return subprocess.run(command, capture_output=True, text=True, cwd=repo, timeout=60,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})
