"""Fixtures of the rendering core's proofs (helpers live in backstop_render_support)."""
import subprocess
import time
import urllib.request

import pytest

from backstop_render_support import Pushgateway, free_port, require_tool


@pytest.fixture
def pushgateway(tmp_path):
    """A real Pushgateway on loopback, with its own empty storage."""
    binary = require_tool("prometheus-pushgateway")
    port = free_port()
    process = subprocess.Popen(
        # Debian's build persists to a shared file under /var/lib by default: keep ours private.
        [binary, f"--web.listen-address=127.0.0.1:{port}", f"--persistence.file={tmp_path / 'pushgateway.data'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=1)
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("prometheus-pushgateway did not start on loopback")
            time.sleep(0.1)
    yield Pushgateway(url)
    process.terminate()
    process.wait(timeout=10)
