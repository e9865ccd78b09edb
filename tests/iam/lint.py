"""Lint IAM policy documents with parliament for the Rust test suite.

Reads a JSON list ``[{"name": str, "document": {...}}]`` on stdin, lints each
document with parliament (its community auditors included) and writes a JSON
list of findings on stdout: ``{"name", "issue", "severity", "action",
"detail", "line"}``. A ``RESOURCE_MISMATCH`` finding names every action of a
statement at once; it is split here into one finding per action, whose
``detail`` lists the resource formats parliament wanted for that action, so
an exception can name the action it excuses.

Which findings are acceptable is the test's business
(``tests/iam/parliament-exceptions.json``), not this script's.
"""

from __future__ import annotations

import json
import sys

from parliament import analyze_policy_string


def findings(name: str, document: object) -> list[dict]:
    policy = analyze_policy_string(json.dumps(document), include_community_auditors=True)
    out: list[dict] = []
    for f in policy.findings:
        base = {"name": name, "issue": f.issue}
        if f.issue == "RESOURCE_MISMATCH" and isinstance(f.detail, list):
            wanted: dict[str, list[str]] = {}
            for item in f.detail:
                wanted.setdefault(item["action"], []).append(item["required_format"])
            for action, formats in sorted(wanted.items()):
                out.append({**base, "action": action, "detail": sorted(formats)})
        else:
            detail = f.detail if isinstance(f.detail, str) else json.dumps(f.detail, sort_keys=True, default=str)
            out.append({**base, "action": None, "detail": detail})
    return out


def main() -> int:
    docs = json.load(sys.stdin)
    result = [f for d in docs for f in findings(d["name"], d["document"])]
    json.dump(result, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
