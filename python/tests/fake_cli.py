"""A stand-in for the zarr-conformance binary that speaks the partition / merge contract, for the
driver's own tests (they run without the Swift build). Its "store" is a JSON file:

  {"findings": [{"severity", "message"}, ...], "items": ["...", ...], "info": {...} (for `info`),
   "exit": {"I": [code, "stderr text"]}   partition I answers with that exit code,
   "crash": {"I": "MARKER"}               partition I kills itself (SIGKILL) while MARKER does not
                                          exist, creating it first (so a retry succeeds);
                                          "MARKER" "always" crashes every time,
   "log": "PATH"}                         every call appends its argv as a JSON line

validate / digest without --partition print the whole result; with --partition I/N they print the
contiguous slice [I·len/N, (I+1)·len/N) of findings or items and a last line naming I and N; merge
prints the whole result again from parts given in order (out of order or missing parts: exit 2).
"""
import hashlib
import json
import os
import signal
import sys


def option(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def piece(values, index, count):
    return values[index * len(values) // count:(index + 1) * len(values) // count]


def report(findings, args, extra):
    """What validate prints, and its exit code."""
    fail_on = option(args, "--fail-on", "error")
    levels = {"error": ("error",), "warning": ("error", "warning"), "never": ()}[fail_on]
    failed = any(f["severity"] in levels for f in findings)
    fmt = option(args, "--format", "text")
    body = {"valid": not any(f["severity"] == "error" for f in findings), "findings": findings, **extra}
    if fmt == "json":
        text = json.dumps(body, indent=2) + "\n"
    else:
        text = "".join(f"{f['severity']}: {f['message']}\n" for f in findings) + f"{fmt}: {len(findings)} findings\n"
    return text, 1 if failed else 0


def extra_of(args):
    """What the options given to validate change in the fake's report: the manifest's digest."""
    manifest = option(args, "--expect-chunks")
    if manifest and manifest not in ("fill", "all"):
        return {"manifest_sha256": hashlib.sha256(open(manifest, "rb").read()).hexdigest()}
    return {}


def main(args):
    command = args[0]
    if command == "merge" and "--help" in args:
        return 0 if not os.environ.get("FAKE_NO_MERGE") else 64
    if command == "merge":
        files = [a for a in args[1:] if not a.startswith("--") and args[args.index(a) - 1] not in ("--format", "--fail-on")]
        parts = [[json.loads(line) for line in open(f) if line.strip()] for f in files]
        lasts = [p[-1] for p in parts]
        if [(last.get("index"), last.get("count")) for last in lasts] != [(i, len(parts)) for i in range(len(parts))]:
            sys.stderr.write("error: parts missing or out of order\n")
            return 2
        if "items" in lasts[0]:  # digest parts
            items = [x for last in lasts for x in last["items"]]
            print(json.dumps({"tree": hashlib.sha256("\n".join(items).encode()).hexdigest(), "items": len(items)}))
            return 0
        findings = [f for p in parts for f in p[:-1]]
        text, code = report(findings, args, lasts[0]["extra"])
        sys.stdout.write(text)
        return code

    store = json.load(open(args[1]))
    if store.get("log"):
        with open(store["log"], "a") as f:
            f.write(json.dumps(args) + "\n")
    if command == "info":
        print(json.dumps(store.get("info", {"node_type": "group"})))
        return 0
    partition = option(args, "--partition")
    if partition:
        index, count = map(int, partition.split("/"))
        if str(index) in store.get("exit", {}):
            code, message = store["exit"][str(index)]
            sys.stderr.write(message)
            return code
        marker = store.get("crash", {}).get(str(index))
        if marker and (marker == "always" or not os.path.exists(marker)):
            if marker != "always":
                open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
    if command == "digest":
        items = store["items"]
        if partition:
            print(json.dumps({"index": index, "count": count, "items": piece(items, index, count)}))
        else:
            print(json.dumps({"tree": hashlib.sha256("\n".join(items).encode()).hexdigest(), "items": len(items)}))
        return 0
    if command == "validate":
        findings = store["findings"]
        if partition:
            assert option(args, "--format") == "jsonl", args
            for f in piece(findings, index, count):
                print(json.dumps(f))
            print(json.dumps({"index": index, "count": count, "extra": extra_of(args)}))
            return report(piece(findings, index, count), args, {})[1]
        text, code = report(findings, args, extra_of(args))
        sys.stdout.write(text)
        return code
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
