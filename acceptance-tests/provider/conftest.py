"""Fixtures of the provider's acceptance tests. Every workspace runs Terraform with
`TF_LOG=trace`; its teardown fails the test if the provider's output in that log shows a panic.
"""
import pytest

from provider_support import Workspace


@pytest.fixture
def workspace(tmp_path, provider_bin) -> Workspace:
    ws = Workspace(tmp_path, provider_bin.parent)
    yield ws
    lines = ws.provider_log_lines()
    # The provider's own stderr reaches the log, so the panic check below can see a panic.
    assert any("backstop: listening on" in line for line in lines), "no provider output in the trace log"
    panics = [line for line in lines if "panic" in line.lower()]
    assert not panics, "the provider panicked:\n" + "\n".join(panics[:20])
    # Shutdown is implemented and prompt: Terraform waits for the exit of every provider
    # process it starts (and kills it after 2 s); our own 500 ms fallback never fires.
    stuck = [line for line in lines if "failed to exit gracefully" in line or "within 500 ms of Shutdown" in line]
    assert not stuck, "\n".join(stuck[:5])
