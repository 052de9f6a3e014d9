#!/usr/bin/env python3
"""Run every command on every hostile store and check it against expected.json.

    python3 Vectors/hostile/run.py BINARY [--only NAME[,NAME...]]... [--keep] [-v]

Makes the corpus (make_stores.py) in a fresh directory under /tmp, then runs each command of
expected.json's "commands" on each store, one at a time, and checks:
  - the exit code (a signal, a hang killed at the time limit, or any other code fails);
  - peak memory (ru_maxrss from os.wait4, KiB) under the limit; RSS is also polled, and the
    command is killed as soon as it passes the limit, so a runaway cannot take the machine;
  - substrings the combined stdout+stderr must (and must not) contain, over the whole output;
  - readers (digest, cat, info) that exit 3: stderr is one line starting `error: `;
  - validate --format json that exits 0 or 1: a report whose `valid` and error findings agree;
  - digest that exits 0 on a store with a "sha256": that digest;
  - nothing under DIR/outside changed and the store itself is unchanged.
Stores with "as_user": "nobody" are run through setpriv as uid/gid 65534 (when run as root;
otherwise as the current user, who is already unprivileged).

Prints one line per failed check, then `hostile-corpus: N passed, M failed`; exits 1 on any
failure. Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_stores  # noqa: E402

ORDER = ["validate", "digest", "cat", "info", "manifest"]
READERS = {"digest", "cat", "info"}
HEAD_LIMIT = 8 << 20  # bytes of each stream kept for parsing and reports; patterns are scanned over all of it
BIG_FILE = 64 << 20  # files larger than this are fingerprinted by stat, not by content
USERS = {"nobody": (65534, 65534)}


# --- output capture -------------------------------------------------------------------------

class Stream(threading.Thread):
    """Drains a pipe: keeps the first HEAD_LIMIT bytes and looks for patterns across all of it."""

    def __init__(self, pipe, patterns):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.patterns = sorted(set(patterns))
        self.found = set()
        self.head = bytearray()
        self.total = 0

    def run(self):
        fd = self.pipe.fileno()
        overlap = max((len(p) for p in self.patterns), default=1) - 1
        tail = b""
        pending = list(self.patterns)
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            if len(self.head) < HEAD_LIMIT:
                self.head += chunk[:HEAD_LIMIT - len(self.head)]
            if pending:
                window = tail + chunk
                for p in pending:
                    if p in window:
                        self.found.add(p)
                pending = [p for p in pending if p not in self.found]
                tail = window[-overlap:] if overlap else b""

    def text(self):
        return self.head.decode("utf-8", "replace")


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_command(argv, cwd, patterns, seconds, limit_kib):
    """Runs argv in its own process group; returns a dict describing what happened."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    out, err = Stream(proc.stdout, patterns), Stream(proc.stderr, patterns)
    out.start()
    err.start()
    killed, polled_peak, delay = None, 0, 0.002
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        polled_peak = max(polled_peak, rss_kib(proc.pid))
        if killed is None and time.monotonic() - start > seconds:
            killed = f"hung: killed after {seconds} s"
        elif killed is None and polled_peak > limit_kib:
            killed = f"memory: killed at {polled_peak // 1024} MiB resident"
        if killed:
            kill_group(proc.pid)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
    elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    kill_group(proc.pid)  # anything it left behind in its group
    for s in (out, err):
        s.join(10)
    for pipe in (proc.stdout, proc.stderr):
        pipe.close()
    return {"code": proc.returncode, "killed": killed, "seconds": elapsed,
            "maxrss_kib": max(usage.ru_maxrss, polled_peak), "stdout": out, "stderr": err,
            "found": out.found | err.found}


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- tree fingerprints ----------------------------------------------------------------------

def tree_state(top, depth=None):
    """{relative path: fingerprint} of everything under top, without following links or
    opening anything but regular files (a FIFO would block). depth=1: the top level only."""
    state = {}

    def visit(path, rel, level):
        try:
            st = os.lstat(path)
        except OSError as e:
            state[rel] = ["gone", e.errno]
            return
        mode = st.st_mode
        rec = [stat.S_IFMT(mode), stat.S_IMODE(mode), st.st_uid, st.st_gid]
        if stat.S_ISLNK(mode):
            rec.append(os.readlink(path))
        elif stat.S_ISREG(mode):
            rec += [st.st_size, st.st_mtime_ns]
            if st.st_size > BIG_FILE:
                rec.append(st.st_blocks)
            else:
                try:
                    with open(path, "rb") as f:
                        rec.append(hashlib.sha256(f.read()).hexdigest())
                except OSError as e:
                    rec.append(f"unreadable {e.errno}")
        elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            rec.append(st.st_rdev)
        elif stat.S_ISDIR(mode) and (depth is None or level < depth):
            rec.append(st.st_mtime_ns)  # a directory at the depth limit is compared by type and mode only
            try:
                names = sorted(os.listdir(path))
            except OSError as e:
                rec.append(f"unreadable {e.errno}")
                names = []
            for name in names:
                visit(os.path.join(path, name), f"{rel}/{name}" if rel else name, level + 1)
        state[rel] = rec

    visit(top, "", 0)
    return state


def tree_diff(before, after):
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not changed:
        return None
    shown = ", ".join(repr(k or ".") for k in changed[:4])
    return shown + (f" and {len(changed) - 4} more" if len(changed) > 4 else "")


def make_writable(top):
    """Gives back every permission the corpus took away, never following a link."""
    def visit(path):
        try:
            st = os.lstat(path)
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            return
        if stat.S_ISDIR(st.st_mode):
            try:
                os.chmod(path, 0o755)
                names = os.listdir(path)
            except OSError:
                return
            for name in names:
                visit(os.path.join(path, name))
        elif stat.S_ISREG(st.st_mode):
            try:
                os.chmod(path, 0o644)
            except OSError:
                pass
    visit(top)


# --- checks ---------------------------------------------------------------------------------

def as_list(v):
    return v if isinstance(v, list) else [v]


def alternatives(item):
    return item if isinstance(item, list) else [item]


def check_validate_report(text, code):
    try:
        report = json.loads(text)
    except ValueError as e:
        return f"validate --format json printed no JSON report ({e})"
    if not isinstance(report, dict) or not isinstance(report.get("findings"), list) or not isinstance(report.get("valid"), bool):
        return "the report lacks a boolean `valid` and a `findings` list"
    bad = [f for f in report["findings"] if not isinstance(f, dict) or not {"rule", "severity", "path", "message", "spec"} <= f.keys()]
    if bad:
        return f"a finding lacks rule/severity/path/message/spec: {json.dumps(bad[0])[:120]}"
    errors = [f for f in report["findings"] if f.get("severity") == "error"]
    if code == 1 and (report["valid"] or not errors):
        return "exit 1 but the report has valid=true or no finding of severity error"
    if code == 0 and (not report["valid"] or errors):
        return "exit 0 but the report has valid=false or a finding of severity error"
    return None


def evaluate(name, cmd, exp, spec, run, never, limits):
    reasons = []
    codes = as_list(exp["exit"])
    code = run["code"]
    if run["killed"]:
        reasons.append(run["killed"])
    elif code not in codes:
        reasons.append(f"killed by signal {-code}" if code < 0 else f"exit {code}")
    if run["maxrss_kib"] > limits["rss_kib"]:
        reasons.append(f"peak RSS {run['maxrss_kib'] // 1024} MiB > {limits['rss_kib'] // 1024} MiB")
    max_seconds = exp.get("max_seconds")
    if max_seconds and run["seconds"] > max_seconds and not run["killed"]:
        reasons.append(f"took {run['seconds']:.1f} s > {max_seconds} s")
    found = run["found"]
    for item in exp.get("contains", []):
        alts = alternatives(item)
        if not any(a.encode() in found for a in alts):
            reasons.append("missing " + " or ".join(repr(a) for a in alts))
    for s in exp.get("not_contains", []) + never:
        if s.encode() in found:
            reasons.append(f"printed forbidden {s!r}")
    stderr = run["stderr"].text()
    if not run["killed"] and code in codes:
        if cmd in READERS and code == 3:
            lines = [l for l in stderr.splitlines() if l.strip()]
            if len(lines) != 1 or not lines[0].startswith("error: "):
                reasons.append(f"stderr is {len(lines)} lines, not one line starting 'error: '")
        if cmd == "validate" and code in (0, 1) and "--format" in spec["argv"]:
            problem = check_validate_report(run["stdout"].text(), code)
            if problem:
                reasons.append(problem)
        if cmd == "digest" and code == 0 and spec.get("sha256"):
            try:
                got = json.loads(run["stdout"].text()).get("sha256")
            except (ValueError, AttributeError):
                got = None
            if got != spec["sha256"]:
                reasons.append(f"digest {got} != {spec['sha256']}")
    return reasons


def describe_expected(exp):
    parts = ["exit " + "/".join(str(c) for c in as_list(exp["exit"]))]
    if exp.get("contains"):
        parts.append("contains " + ", ".join(" or ".join(repr(a) for a in alternatives(i)) for i in exp["contains"]))
    if exp.get("max_seconds"):
        parts.append(f"within {exp['max_seconds']} s")
    return "; ".join(parts)


# --- driver ---------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Run the hostile-store corpus against a zarr-conformance binary.")
    ap.add_argument("binary")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these stores (repeat or comma-separate)")
    ap.add_argument("--keep", action="store_true", help="keep the corpus directory and print its path")
    ap.add_argument("-v", "--verbose", action="store_true", help="print a line for every check that passes too")
    args = ap.parse_args()

    binary = os.path.abspath(args.binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"run.py: {args.binary} is not an executable file", file=sys.stderr)
        return 2
    with open(os.path.join(HERE, "expected.json")) as f:
        expected = json.load(f)
    limits = expected["limits"]
    never = expected.get("never_contains", [])
    only = {n for o in args.only for n in o.split(",") if n}
    unknown = only - expected["stores"].keys()
    if unknown:
        print(f"run.py: no such store: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    is_root = os.geteuid() == 0
    if is_root and not shutil.which("setpriv"):
        print("run.py: setpriv (util-linux) is needed to read stores as nobody", file=sys.stderr)
        return 2

    passed, failures = 0, []

    def fail(line):
        failures.append(line)
        print("FAIL " + line, flush=True)

    base = "/tmp" if os.path.isdir("/tmp") else None
    root = tempfile.mkdtemp(prefix="hostile-corpus-", dir=base)
    try:
        os.chmod(root, 0o755)
        built = make_stores.build(root)
        for n, reason in sorted(built["skipped"].items()):
            if not only or n in only:
                print(f"SKIP {n}: cannot be made here: {reason}")
        # The corpus and the expectations must agree.
        made = set(built["created"]) | set(built["skipped"])
        for n in sorted(made ^ expected["stores"].keys()):
            if not only or n in only:
                fail(f"{n}: corpus: " + ("no expectations in expected.json" if n in made else "make_stores.py does not make it"))
        digests = make_stores.expected_digests()
        for n, spec in expected["stores"].items():
            if spec.get("sha256") and digests.get(n) != spec["sha256"] and (not only or n in only):
                fail(f"{n}: corpus: expected.json sha256 differs from make_stores.expected_digests()")

        # Commands run as another user get their own copy of the binary: the checkout it was
        # built in may sit below a directory that user cannot enter (a CI clone under /root).
        user_binary = binary
        if is_root:
            user_binary = os.path.join(root, ".bin-" + os.path.basename(binary))
            shutil.copy2(binary, user_binary)
            os.chmod(user_binary, 0o755)
        outside_before = {"outside": tree_state(os.path.join(root, "outside")), "top": tree_state(root, depth=1)}
        for name, spec in expected["stores"].items():
            if (only and name not in only) or name not in built["created"]:
                continue
            store = os.path.join(root, name)
            store_before = tree_state(store)
            user = spec.get("as_user")
            for cmd in ORDER:
                exp = spec.get(cmd)
                if exp is None:
                    fail(f"{name} {cmd}: corpus: no expectation")
                    continue
                if exp.get("skip"):
                    print(f"SKIP {name} {cmd}: {exp.get('note', 'skipped by expected.json')}")
                    continue
                argv = [user_binary if user and is_root else binary] + [a.replace("{store}", store) for a in expected["commands"][cmd]] + exp.get("args", [])
                if user and is_root:
                    uid, gid = USERS[user]
                    argv = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"] + argv
                patterns = [a.encode() for i in exp.get("contains", []) for a in alternatives(i)]
                patterns += [s.encode() for s in exp.get("not_contains", []) + never]
                run = run_command(argv, root, patterns, limits["seconds"], limits["rss_kib"])
                reasons = evaluate(name, cmd, exp, dict(spec, argv=argv), run, never, limits)
                changed = tree_diff(store_before, tree_state(store))
                if changed:
                    reasons.append(f"the store changed: {changed}")
                    store_before = tree_state(store)
                outside_now = {"outside": tree_state(os.path.join(root, "outside")), "top": tree_state(root, depth=1)}
                for part in ("outside", "top"):
                    changed = tree_diff(outside_before[part], outside_now[part])
                    if changed:
                        reasons.append(f"changed outside the store ({'DIR/outside' if part == 'outside' else 'DIR'}): {changed}")
                outside_before = outside_now
                got = ("killed" if run["killed"] else f"exit {run['code']}") + \
                      f" in {run['seconds']:.1f} s, peak {run['maxrss_kib'] // 1024} MiB"
                if reasons:
                    stderr = run["stderr"].text()[:200].replace("\n", "\\n")
                    fail(f"{name} {cmd}: expected {describe_expected(exp)}; got {got}: {'; '.join(reasons)} | stderr: {stderr}")
                else:
                    passed += 1
                    if args.verbose:
                        print(f"ok   {name} {cmd}: {got}", flush=True)
    finally:
        if args.keep:
            print(f"kept the corpus at {root}")
        else:
            make_writable(root)
            shutil.rmtree(root, ignore_errors=True)
    print(f"hostile-corpus: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
