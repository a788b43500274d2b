#!/usr/bin/env python3
"""Checks that every corpus case's expected findings are what derive.py gets from the tool's own
report kept beside it (derived-from.txt), i.e. that no expected.json was edited by hand.
Cases marked "derivedFrom": "scenario" have no tool report and are only counted.

    python3 scripts/triage-corpus/check.py [CORPUS_DIR]
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import derive  # noqa: E402

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "test/fixtures/triage/corpus")


def deriver(name):
    fn = name.split("(", 1)[0]
    if fn.startswith("lines_"):
        return derive.lines(fn[len("lines_"):])
    return getattr(derive, fn)


def main():
    bad, derived, scenario = [], 0, 0
    for exp_file in sorted(ROOT.rglob("expected.json")):
        case = exp_file.parent
        exp = json.loads(exp_file.read_text())
        if exp["derivedFrom"] == "scenario":
            scenario += 1
            continue
        src = case / "derived-from.txt"
        if not src.exists():
            bad.append(f"{case.relative_to(ROOT)}: no derived-from.txt for {exp['derivedFrom']}")
            continue
        ws_file = case / "derived-from.workspace"
        ws = ws_file.read_text().strip() if ws_file.exists() else ""
        keys = deriver(exp["derivedFrom"])(src.read_text(), ws)
        if keys != exp["findings"]:
            bad.append(f"{case.relative_to(ROOT)}: expected.json findings {exp['findings']} != derived {keys}")
        derived += 1
    for b in bad:
        print(b, file=sys.stderr)
    print(f"triage corpus: {derived} cases re-derived from their tool's report, {scenario} scenario cases, {len(bad)} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
