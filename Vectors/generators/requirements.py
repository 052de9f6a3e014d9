#!/usr/bin/env python3
"""Extracts the requirement ids and levels of the shared spec checklist into
Vectors/requirements.json, which the coverage table of the reports reads.

    python3 Vectors/generators/requirements.py ../shared/spec-checklist.md
"""
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
LINE = re.compile(r"^- ([A-Z][A-Z0-9]*-[A-Z0-9]+) (MUST NOT|MUST|SHOULD NOT|SHOULD|MAY|CONV|INFO|AMBIG)\b\s*(.*)$")


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "..", "shared", "spec-checklist.md")
    items = []
    for line in open(source, encoding="utf-8"):
        m = LINE.match(line.strip())
        if m:
            items.append({"id": m.group(1), "level": m.group(2), "text": m.group(3)})
    with open(os.path.join(ROOT, "requirements.json"), "w") as f:
        json.dump({"source": "shared/spec-checklist.md", "requirements": items}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(items)} requirements, {sum(i['level'].startswith('MUST') for i in items)} MUST / MUST NOT")


if __name__ == "__main__":
    main()
