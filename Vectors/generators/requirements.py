#!/usr/bin/env python3
"""Extracts the requirement ids and levels of the shared spec checklist, and of this project's
supplement (Vectors/checklist-supplement.md, the Zarr 3.1 rules), into Vectors/requirements.json,
which the coverage table of the reports reads. An id in both is an error.

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
    supplement = os.path.join(ROOT, "checklist-supplement.md")
    items = []
    for path in [source, supplement]:
        for line in open(path, encoding="utf-8"):
            m = LINE.match(line.strip())
            if m:
                items.append({"id": m.group(1), "level": m.group(2), "text": m.group(3)})
    ids = [i["id"] for i in items]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        sys.exit(f"ids defined twice: {', '.join(clashes)}")
    with open(os.path.join(ROOT, "requirements.json"), "w") as f:
        json.dump({"source": "shared/spec-checklist.md + Vectors/checklist-supplement.md", "requirements": items}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(items)} requirements, {sum(i['level'].startswith('MUST') for i in items)} MUST / MUST NOT")


if __name__ == "__main__":
    main()
