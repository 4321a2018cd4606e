"""`backstop lint` output formats as their consumers read them: SARIF validated against the
OASIS SARIF 2.1.0 schema (vendored: sarif-schema-2.1.0.json, errata01), JUnit parsed as XML,
GitHub workflow commands parsed line by line; all three carry the same findings as JSON."""
import json
import pathlib
import subprocess
import xml.etree.ElementTree as ET

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "cli" / "tests" / "fixtures" / "lint" / "corpus"


def lint(backstop_bin, fmt):
    result = subprocess.run([str(backstop_bin), "lint", "--format", fmt, str(CORPUS)], capture_output=True, text=True)
    # The corpus holds a malformed file on purpose: exit 2, and every other stack is still reported.
    assert result.returncode == 2, result.stderr
    return result.stdout


def findings(backstop_bin):
    return json.loads(lint(backstop_bin, "json"))


def test_sarif_validates_against_the_2_1_0_schema(backstop_bin):
    log = json.loads(lint(backstop_bin, "sarif"))
    schema = json.loads((HERE / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_results_match_the_findings_and_point_at_repository_files(backstop_bin):
    log = json.loads(lint(backstop_bin, "sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    expected = sorted((f["code"], f["file"], f["line"]) for f in findings(backstop_bin))
    got = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert (CORPUS / uri).is_file(), uri
        got.append((result["ruleId"], uri, location["region"]["startLine"]))
    assert sorted(got) == expected
    # Every rule carries its documentation as help, the same text `backstop rule CODE` prints.
    bs001 = next(r for r in rules if r["id"] == "BS001")
    printed = subprocess.run([str(backstop_bin), "rule", "BS001"], capture_output=True, text=True).stdout
    assert bs001["help"]["text"].strip() == printed.strip()


def test_junit_parses_with_one_failure_per_finding(backstop_bin):
    root = ET.fromstring(lint(backstop_bin, "junit"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    expected = findings(backstop_bin)
    assert int(suite.get("failures")) == len(failures) == len(expected)
    assert int(suite.get("tests")) == len(cases)
    names = sorted(c.get("name") for c in failures)
    assert names == sorted(f"{f['code']} {f['file']}:{f['line']}:{f['column']}" for f in expected)
    # Stacks without findings are passing test cases.
    passing = {c.get("classname") for c in cases if c.find("failure") is None}
    assert "stacks/compliant" in passing and "stacks/unbacked" not in passing


def test_github_commands_annotate_each_finding(backstop_bin):
    lines = lint(backstop_bin, "github").splitlines()
    expected = findings(backstop_bin)
    assert len(lines) == len(expected)
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    parsed = []
    for line in lines:
        command, _, message = line[2:].partition("::")
        level, _, props = command.partition(" ")
        fields = dict(p.split("=", 1) for p in props.split(","))
        assert message
        parsed.append((level, fields["file"], int(fields["line"]), fields["title"].split(" ")[0]))
    assert sorted(parsed) == sorted((levels[f["severity"]], f["file"], f["line"], f["code"]) for f in expected)
