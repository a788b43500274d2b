"""Derives a case's expected findings from a tool's OWN machine-readable output (never by hand).

Each function takes the structured report a tool wrote (SARIF, JUnit XML, the tool's JSON, or the
one-line-per-finding format the tool prints when asked for it) and returns the key strings a human
needs from the triage report: `file:line`, rule ids, test names, CVE ids, `package@version`, fixed
versions, the image scanned, metric names, values and thresholds. Paths are made relative to the
workspace, the way a reader of the report sees them.

Used by make.py; every expected.json records which function and which report it came from.
"""
import json
import re
import xml.etree.ElementTree as ET

# Findings a case expects at most: the report must name these (the first ones the tool lists).
MAX_KEYS_FINDINGS = 4


def rel(path, workspace):
    path = re.sub(r"^file://", "", str(path))
    if workspace and path.startswith(workspace.rstrip("/") + "/"):
        path = path[len(workspace.rstrip("/")) + 1:]
    return re.sub(r"^\./", "", path)


def _cap(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def sarif(text, workspace=""):
    doc = json.loads(text)
    keys = []
    for run in doc.get("runs", []):
        for res in run.get("results", [])[:MAX_KEYS_FINDINGS]:
            rule = res.get("ruleId")
            loc = (res.get("locations") or [{}])[0].get("physicalLocation", {})
            uri = loc.get("artifactLocation", {}).get("uri")
            line = loc.get("region", {}).get("startLine")
            if rule:
                keys.append(rule)
            if uri and line:
                keys.append(f"{rel(uri, workspace)}:{line}")
    return _cap(keys)


def junit(text, workspace=""):
    root = ET.fromstring(text)
    keys = []
    for case in root.iter("testcase"):
        if case.find("failure") is None and case.find("error") is None:
            continue
        # The test's name without its parameters (they are data, possibly hostile: a mention or a link).
        keys.append(case.get("name").split("[")[0])
        if len(keys) >= MAX_KEYS_FINDINGS:
            break
    return _cap(keys)


def bandit_json(text, workspace=""):
    keys = []
    for r in json.loads(text)["results"][:MAX_KEYS_FINDINGS]:
        keys += [r["test_id"], f"{rel(r['filename'], workspace)}:{r['line_number']}"]
    return _cap(keys)


def eslint_json(text, workspace=""):
    keys = []
    for f in json.loads(text):
        for m in f["messages"]:
            if m.get("severity") != 2 or len(keys) >= 2 * MAX_KEYS_FINDINGS:
                continue
            if m.get("ruleId"):
                keys.append(m["ruleId"])
            keys.append(f"{rel(f['filePath'], workspace)}:{m['line']}")
    return _cap(keys)


def jest_json(text, workspace=""):
    keys = []
    # Suites run in parallel: their order in the report varies, so read them by name.
    for suite in sorted(json.loads(text)["testResults"], key=lambda s: s["name"]):
        for a in suite["assertionResults"]:
            if a["status"] == "failed" and len(keys) < MAX_KEYS_FINDINGS:
                keys.append(a["title"])
        if suite.get("status") == "failed" and not any(a["status"] == "failed" for a in suite["assertionResults"]):
            keys.append(rel(suite["name"], workspace))  # a suite that failed to run
    return _cap(keys)


def hadolint_json(text, workspace=""):
    keys = []
    for r in json.loads(text)[:MAX_KEYS_FINDINGS]:
        keys += [r["code"], f"{rel(r['file'], workspace)}:{r['line']}"]
    return _cap(keys)


def shellcheck_json1(text, workspace=""):
    keys = []
    for c in json.loads(text)["comments"]:
        if c["level"] not in ("error", "warning") or len(keys) >= 2 * MAX_KEYS_FINDINGS:
            continue
        keys += [f"SC{c['code']}", f"{rel(c['file'], workspace)}:{c['line']}"]
    return _cap(keys)


def gcc_json(text, workspace=""):
    keys = []
    for d in json.loads(text):
        if d["kind"] != "error" or len(keys) >= MAX_KEYS_FINDINGS:
            continue
        caret = d["locations"][0]["caret"]
        keys.append(f"{rel(caret['file'], workspace)}:{caret['line']}")
    return _cap(keys)


# Tools whose only machine format is one diagnostic per line (what they print with colour off).
LINE_FORMATS = {
    # tsc --pretty false: src/a.ts(3,7): error TS2322: Type …
    "tsc": re.compile(r"^(?P<file>[^\s(]+)\((?P<line>\d+),\d+\): error (?P<rule>TS\d+):"),
    # javac: src/App.java:5: error: …
    "javac": re.compile(r"^(?P<file>\S+\.java):(?P<line>\d+): error: "),
    # go build / go vet: ./main.go:7:2: undefined: x
    "go": re.compile(r"^(?P<file>\S+\.go):(?P<line>\d+):\d+: "),
    # flake8 --format='%(path)s:%(row)d:%(code)s'
    "flake8": re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<rule>[A-Z]+\d+)$"),
}


def lines(kind):
    def derive(text, workspace=""):
        keys = []
        for raw in text.splitlines():
            m = LINE_FORMATS[kind].match(raw.strip())
            if not m or len(keys) >= 2 * MAX_KEYS_FINDINGS:
                continue
            if m.groupdict().get("rule"):
                keys.append(m["rule"])
            keys.append(f"{rel(m['file'], workspace)}:{m['line']}")
        return _cap(keys)

    derive.__name__ = f"lines_{kind}"
    return derive


def trivy_json(text, workspace=""):
    doc = json.loads(text)
    keys = [doc["ArtifactName"]]
    for r in doc.get("Results", []):
        for v in (r.get("Vulnerabilities") or [])[:3]:
            keys += [v["VulnerabilityID"], f"{v['PkgName']}@{v['InstalledVersion']}"]
            if v.get("FixedVersion"):
                keys.append(v["FixedVersion"].split(",")[0].strip())
    return _cap(keys)


def grype_json(text, workspace=""):
    doc = json.loads(text)
    keys = [doc["source"]["target"]["userInput"]]
    for m in doc["matches"][:3]:
        keys += [m["vulnerability"]["id"], f"{m['artifact']['name']}@{m['artifact']['version']}"]
        fixed = m["vulnerability"].get("fix", {}).get("versions") or []
        if fixed:
            keys.append(fixed[0])
    return _cap(keys)


def snyk_json(text, workspace=""):
    doc = json.loads(text)
    keys = [doc["displayTargetFile"]] if doc.get("displayTargetFile") else []
    for v in doc["vulnerabilities"][:3]:
        keys += [v["id"], f"{v['packageName']}@{v['version']}"]
        if v.get("fixedIn"):
            keys.append(v["fixedIn"][0])
    return _cap(keys)


def npm_audit_json(text, workspace=""):
    doc = json.loads(text)
    keys = []
    for name, v in list(doc["vulnerabilities"].items())[:3]:
        keys.append(name)
        for via in v["via"]:
            if isinstance(via, dict) and via.get("url"):
                keys.append(via["url"].rsplit("/", 1)[-1])
                break
    return _cap(keys)


def pip_audit_json(text, workspace=""):
    keys = []
    for dep in json.loads(text)["dependencies"]:
        for v in dep.get("vulns", [])[:2]:
            keys += [v["id"], f"{dep['name']}@{dep['version']}"]
            if v.get("fix_versions"):
                keys.append(v["fix_versions"][0])
    return _cap(keys)


def gitleaks_json(text, workspace=""):
    keys = []
    for r in json.loads(text)[:MAX_KEYS_FINDINGS]:
        keys += [r["RuleID"], f"{rel(r['File'], workspace)}:{r['StartLine']}"]
    return _cap(keys)


def gate_metrics(text, workspace=""):
    """A model gate's metrics file: {"checks": [{"metric", "value", "threshold"|"baseline", "passed"}]}."""
    keys = []
    for c in json.loads(text)["checks"]:
        if c["passed"]:
            continue
        keys += [c["metric"], str(c["value"])]
        if "threshold" in c:
            keys.append(str(c["threshold"]))
        if "baseline" in c:
            keys.append(str(c["baseline"]))
    return _cap(keys)


def data_validation(text, workspace=""):
    """Great Expectations-style validation result: the failed expectations and their columns."""
    keys = []
    for r in json.loads(text)["results"]:
        if r["success"]:
            continue
        cfg = r["expectation_config"]
        keys.append(cfg["expectation_type"])
        if cfg["kwargs"].get("column"):
            keys.append(cfg["kwargs"]["column"])
    return _cap(keys)


def go_test_json(text, workspace=""):
    """`go test -json`: the failed tests (Action == "fail" with a Test name)."""
    keys = []
    for line in text.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("Action") == "fail" and ev.get("Test") and len(keys) < MAX_KEYS_FINDINGS:
            keys.append(ev["Test"])
    return _cap(keys)


def trufflehog_json(text, workspace=""):
    """TruffleHog v3 `--json`: one object a line; the detector and the file (never the raw secret)."""
    keys = []
    for line in text.splitlines():
        r = json.loads(line)
        git = r["SourceMetadata"]["Data"].get("Git") or r["SourceMetadata"]["Data"].get("Filesystem")
        keys += [r["DetectorName"], f"{git['file']}:{git['line']}"]
    return _cap(keys)
