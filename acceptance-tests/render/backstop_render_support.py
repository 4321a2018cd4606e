"""Shared helpers of the rendering core's proofs: render a spec through the core, and run
the rendered scripts the way the CronJob's alpine container would (busybox + one tool).

The core is driven through `codegen/examples/render_json` (stdin JSON model -> rendered
objects as JSON), which `cargo test --release --workspace` builds before pytest runs.
"""
import importlib.util
import json
import os
import pathlib
import socket
import subprocess
import urllib.request

import pytest

_ROOT_CONFTEST = pathlib.Path(__file__).resolve().parent.parent / "conftest.py"
_spec = importlib.util.spec_from_file_location("backstop_acceptance_root", _ROOT_CONFTEST)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_tool = _root.require_tool
RENDER_JSON = _root.RELEASE / "examples" / "render_json"

def render(spec: dict) -> dict:
    """Renders `spec` ({"defaults", "volumes", "jobs", "alerts"}) with the core."""
    if not RENDER_JSON.exists():
        pytest.fail(f"{RENDER_JSON} is missing: run `cargo test --release --workspace` (it builds examples)")
    done = subprocess.run([RENDER_JSON], input=json.dumps(spec), capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"render_json rejected the spec:\n{done.stderr}")
    rendered = json.loads(done.stdout)
    for job in rendered.get("jobs", []):
        env = container_env(job["cronjob"], [job["settings"]])
        known = _CONTAINER_ENV.get(job["script"], env)
        _DIFFERING.setdefault(job["script"], set()).update(
            k for k in known.keys() | env.keys() if known.get(k) != env.get(k))
        _CONTAINER_ENV[job["script"]] = env
    return rendered

# The plain environment of each rendered script's container (retention, limits, the
# database's address...), by script text: run_script starts a script with its container's
# environment, as Kubernetes does, under whatever the test sets itself (BACKUP_DIR...).
_CONTAINER_ENV: dict[str, dict[str, str]] = {}
# Settings that differ between rendered jobs sharing one script (the settings are not in
# the script: `keep = 1` and `keep = 3` give the same text): which job's apply is not
# known from the script, so the test must pass them itself.
_DIFFERING: dict[str, set[str]] = {}

def container_env(cronjob: dict, config_maps: list[dict] = ()) -> dict[str, str]:
    """The plain environment Kubernetes gives the backup container from `config_maps`
    (those applied): the data of each ConfigMap its `envFrom` names (a missing one is
    skipped if marked optional; otherwise the pod would not start), then the `value`
    entries of its `env`, which win (secrets come from the test)."""
    container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    by_name = {c["metadata"]["name"]: c for c in config_maps}
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]
        if ref["name"] in by_name:
            env.update(by_name[ref["name"]]["data"])
        else:
            assert ref.get("optional"), f"the pod would not start: ConfigMap {ref['name']} is missing"
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    return env

def render_job(job: dict, defaults: dict | None = None) -> dict:
    return render({"defaults": defaults or {}, "jobs": [job]})["jobs"][0]

def alpine_like_path(directory: pathlib.Path, tools: list[str]) -> str:
    """A PATH holding only busybox applets (as in alpine) plus the named real tools."""
    busybox = require_tool("busybox")
    directory.mkdir(parents=True, exist_ok=True)
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
    for applet in applets:
        (directory / applet).symlink_to(busybox)
    # b3sum hashes every snapshot's manifest; the scripts `apk add` it in the image.
    for tool in [*tools, "b3sum"]:
        link = directory / tool
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(require_tool(tool))
    return str(directory)

def script_command(script: str, path: str, env: dict, faketime: str | None = None,
                   user: str | None = None) -> tuple[list[str], dict]:
    """The argv and environment of `run_script` (for callers that start it themselves)."""
    command = [require_tool("busybox"), "sh", "-c", script]
    if user and os.geteuid() == 0:
        command = [require_tool("runuser"), "-u", user, "--", *command]
    ambiguous = _DIFFERING.get(script, set()) - env.keys()
    if ambiguous:
        pytest.fail(f"jobs rendered with this script differ in {sorted(ambiguous)}: pass "
                    "container_env(job['cronjob'], [job['settings']]) in env to say which job runs")
    full_env = {"PATH": path, "HOME": "/nonexistent", **_CONTAINER_ENV.get(script, {}), **env}
    if faketime:
        clear_dead_faketime_ipc()
        # faketime is an LD_PRELOAD library: it works on the dynamically linked Debian busybox.
        # NO_FAKE_STAT keeps file times real, so rsync's size+mtime check sees the files'
        # true times instead of times shifted per simulated week.
        command = [require_tool("faketime"), faketime, *command]
        full_env["NO_FAKE_STAT"] = "1"
    return command, full_env


def clear_dead_faketime_ipc() -> None:
    """The faketime wrapper shares its clock through /dev/shm objects named by its pid and
    refuses to start ("sem_open: File exists") when a wrapper that was killed (the SIGKILL
    tests kill whole process groups) left them behind and its pid has come round again."""
    for leftover in pathlib.Path("/dev/shm").glob("*faketime_*_*"):
        pid = leftover.name.rsplit("_", 1)[-1]
        if pid.isdigit() and not pathlib.Path(f"/proc/{pid}").exists():
            leftover.unlink(missing_ok=True)


def run_script(script: str, path: str, env: dict, faketime: str | None = None, timeout: int = 300,
               user: str | None = None):
    """Runs a rendered script under `busybox sh` with PATH=`path` and nothing else inherited;
    as `user` when running as root (to meet permissions as a non-root process does)."""
    command, full_env = script_command(script, path, env, faketime, user)
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=timeout)


def start_script(script: str, path: str, env: dict, faketime: str | None = None) -> subprocess.Popen:
    """Starts a rendered script in its own session, so that a test can SIGKILL the shell and
    every child at once (faketime forks, so its pid is not the shell's)."""
    command, full_env = script_command(script, path, env, faketime)
    return subprocess.Popen(command, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

class Pushgateway:
    def __init__(self, url: str):
        self.url = url

    def metrics(self, job: str) -> dict[str, float]:
        """The samples of group `job` (without the push_* bookkeeping series)."""
        text = urllib.request.urlopen(f"{self.url}/metrics", timeout=10).read().decode()
        samples = {}
        for line in text.splitlines():
            if line.startswith("#") or f'job="{job}"' not in line:
                continue
            name = line.split("{", 1)[0]
            samples[name] = float(line.rsplit(" ", 1)[1])
        return samples

