"""The driver: split one `validate` or `digest` into partitions, run them on a Dask cluster,
merge the parts with `zarr-conformance merge`, and print what merge prints (docs/dask.md)."""
import argparse
import contextlib
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from . import partition as partition_module
from .partition import run_partition

PROG = "python -m zarr_conformance_dask"
# Exit codes: the binary's own (0 ok, 1 findings reach --fail-on, 2 usage, 3 store unreadable),
# and one of the driver's: a partition that failed after Dask's retries (the binary crashed or was
# missing on a worker, or workers kept dying), or no cluster could be reached.
EXIT_USAGE = 2
EXIT_PARTITION_FAILED = 4
RETRIES = 2  # Dask's retries of a task that raised (a worker lost mid-task is rescheduled anyway)
CHUNKS_PER_PARTITION = 100_000  # past 2 × threads partitions, one more per this many chunks or files
WORKER_TIMEOUT = 120  # seconds to wait for a first worker of a cluster that has none
INFO_TIMEOUT = 120  # seconds for the `info` that sizes the store; past it, 2 × threads partitions


class DriverError(Exception):
    """Ends the run with `code`; `verbatim` messages are the binary's own stderr, printed as is."""

    def __init__(self, message, code, verbatim=False):
        super().__init__(message)
        self.code = code
        self.verbatim = verbatim


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def _non_negative(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a non-negative integer")
    return value


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    cluster = common.add_argument_group("cluster")
    where = cluster.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="a running dask.distributed scheduler (tcp://host:8786); the binary must be on its workers")
    where.add_argument("--workers", type=_positive, metavar="N",
                       help="start a LocalCluster of N worker processes with 1 thread each (default: 2)")
    cluster.add_argument("--partitions", type=_positive, metavar="N",
                         help="partitions to split the work into (default: from the store's size, see docs/dask.md)")
    cluster.add_argument("--binary", metavar="PATH",
                         help="the zarr-conformance binary, at this path on the driver and on every worker "
                              "(default: zarr-conformance on PATH, else the repository's .build/debug build)")
    store = common.add_argument_group("store (passed to every partition)")
    store.add_argument("--endpoint-url", metavar="URL", help="the S3 endpoint")
    store.add_argument("--no-sign-request", action="store_true", help="read S3 anonymously")
    store.add_argument("--concurrency", type=_positive, metavar="N", help="requests in flight per partition")
    store.add_argument("--retries", type=_non_negative, metavar="N", help="retries of a failed request")
    store.add_argument("--forbidden-is-missing", action="store_true", help="read HTTP 403 as a missing key")

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run zarr-conformance validate or digest over a Dask cluster, one partition per task, "
                    "and print exactly what the unpartitioned command prints.",
        epilog="Exit codes: 0 ok, 1 findings reach --fail-on, 2 usage error, 3 the store cannot be read, "
               "4 a partition failed after Dask's retries.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", parents=[common], help="check a store (zarr-conformance validate)")
    validate.add_argument("location", metavar="LOC", help="a directory, .zip, http(s)://, s3:// or gs:// location")
    validate.add_argument("--metadata-only", action="store_true")
    validate.add_argument("--format", choices=["text", "json", "junit", "sarif"], default="text")
    validate.add_argument("--fail-on", choices=["error", "warning", "never"], default="error")
    validate.add_argument("--spec", choices=["3.0", "3.1"])
    validate.add_argument("--expect-chunks", metavar="fill|all|MANIFEST",
                          help="a MANIFEST file on the driver is sent to the workers with the task")
    digest = commands.add_parser("digest", parents=[common], help="a tree or dandi digest (zarr-conformance digest)")
    digest.add_argument("location", metavar="LOC")
    digest.add_argument("--algorithm", choices=["tree", "dandi"], required=True)
    digest.add_argument("--node", metavar="PATH")
    digest.add_argument("--consolidated", action="store_true")
    digest.add_argument("--n5-axes", choices=["native", "reversed"])
    digest.add_argument("--zarr-format", choices=["2", "3"])
    return parser


def repository_binary():
    return Path(__file__).resolve().parents[2] / ".build" / "debug" / "zarr-conformance"


def find_binary(given):
    """An absolute path: workers run in other directories."""
    if given:
        found = given if os.sep in given else shutil.which(given)
        if not found or not os.access(found, os.X_OK):
            raise DriverError(f"--binary {given}: not an executable file", EXIT_USAGE)
        return os.path.abspath(found)
    found = shutil.which("zarr-conformance")
    if found:
        return os.path.abspath(found)
    local = repository_binary()
    if os.access(local, os.X_OK):
        return str(local)
    raise DriverError("no zarr-conformance binary: put it on PATH or give --binary PATH (make dist builds one)", EXIT_USAGE)


def check_merge(binary):
    done = subprocess.run([binary, "merge", "--help"], stdin=subprocess.DEVNULL, capture_output=True)
    if done.returncode != 0:
        raise DriverError(f"{binary} has no `merge` subcommand: a newer zarr-conformance is needed", EXIT_USAGE)


def normalize_location(location):
    """A local path made absolute (workers have another working directory); URLs as given."""
    if "://" not in location and os.path.exists(location):
        return os.path.abspath(location)
    return location


def store_options(args):
    out = []
    if args.endpoint_url:
        out += ["--endpoint-url", args.endpoint_url]
    if args.no_sign_request:
        out.append("--no-sign-request")
    if args.concurrency is not None:
        out += ["--concurrency", str(args.concurrency)]
    if args.retries is not None:
        out += ["--retries", str(args.retries)]
    if args.forbidden_is_missing:
        out.append("--forbidden-is-missing")
    return out


def node_options(args):
    out = []
    if getattr(args, "node", None):
        out += ["--node", args.node]
    if getattr(args, "consolidated", False):
        out.append("--consolidated")
    if getattr(args, "n5_axes", None):
        out += ["--n5-axes", args.n5_axes]
    if getattr(args, "zarr_format", None):
        out += ["--zarr-format", args.zarr_format]
    return out


def plan(args, location):
    """(partition arguments without --partition, files to send along, merge options)."""
    if args.command == "validate":
        arguments = ["validate", location, "--format", "jsonl", "--fail-on", args.fail_on]
        files = {}
        if args.metadata_only:
            arguments.append("--metadata-only")
        if args.spec:
            arguments += ["--spec", args.spec]
        if args.expect_chunks:
            if args.expect_chunks not in ("fill", "all") and os.path.isfile(args.expect_chunks):
                files["manifest.json"] = Path(args.expect_chunks).read_bytes()
                arguments += ["--expect-chunks", "@file:manifest.json"]
            else:
                arguments += ["--expect-chunks", args.expect_chunks]
        return arguments + store_options(args), files, ["--format", args.format, "--fail-on", args.fail_on]
    arguments = ["digest", location, "--algorithm", args.algorithm] + node_options(args) + store_options(args)
    return arguments, {}, []


def store_info(binary, args, location):
    """`zarr-conformance info LOC --json` of the node the command reads, or None."""
    options = node_options(args) if args.command == "digest" else []
    try:
        done = subprocess.run([binary, "info", location, "--json", *options, *store_options(args)],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=INFO_TIMEOUT)
        return json.loads(done.stdout) if done.returncode == 0 else None
    except (subprocess.TimeoutExpired, ValueError, OSError):
        return None


def default_partitions(command, algorithm, threads, info):
    """2 × the cluster's threads (two tasks queued per thread keeps every worker busy while the
    slowest partition finishes), one more per 100,000 chunks (validate, tree) or stored chunks
    (dandi) when `info` reports them for an array; a tree digest is never split into more
    partitions than the array has chunk rows along axis 0 (its partitions follow chunk rows)."""
    base = 2 * max(1, threads)
    if not info or info.get("node_type") != "array":
        return base
    storage = info.get("storage") or {}
    count = storage.get("stored_chunks") if algorithm == "dandi" else storage.get("grid_chunks")
    n = max(base, math.ceil(count / CHUNKS_PER_PARTITION)) if isinstance(count, int) else base
    if command == "digest" and algorithm == "tree":
        shape, chunks = info.get("shape"), info.get("chunks")
        if shape == []:
            return 1
        if shape and chunks and chunks[0]:
            n = min(n, max(1, math.ceil(shape[0] / chunks[0])))
    return n


@contextlib.contextmanager
def connect(args):
    from distributed import Client, LocalCluster
    if args.scheduler:
        with Client(args.scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=args.workers or 2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


class ByValue:
    """A function that pickles by value: Dask pickles a whole task graph with pickle, which
    names a module's functions by reference, so a worker would need this package installed.
    Reduced to cloudpickle.loads(cloudpickle.dumps(function)) with the module registered to
    pickle by value, the scheduler and workers rebuild the function from its code."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __reduce__(self):
        import cloudpickle
        cloudpickle.register_pickle_by_value(partition_module)
        try:
            return cloudpickle.loads, (cloudpickle.dumps(self.function),)
        finally:
            cloudpickle.unregister_pickle_by_value(partition_module)


def run_partitions(client, binary, arguments, files, count):
    """The partitions' results in order, or a DriverError for the first that ended the run: a
    partition of `validate` succeeds with exit 0 or 1 (findings reaching --fail-on are part of the
    report), one of `digest` with 0 only; any other answer (2 usage, 3 unreadable, and for
    `digest` 1) is the run's, with that partition's stderr."""
    from distributed import as_completed, progress
    succeeded = (0, 1) if arguments[0] == "validate" else (0,)
    name = f"zarr-conformance-{arguments[0]}-{uuid.uuid4().hex}"
    task = ByValue(run_partition)  # workers need no copy of this package (docs/dask.md)
    if files:  # a manifest goes to each worker once, not with each task; every worker keeps a copy
        files = client.scatter([files], broadcast=True, hash=False)[0]
    futures = [client.submit(task, binary, arguments, i, count, files or None, key=(name, i), retries=RETRIES)
               for i in range(count)]
    try:
        if sys.stderr.isatty():
            with contextlib.redirect_stdout(sys.stderr):  # the bar must not mix with the report
                progress(futures)  # clears its line when done
        results = [None] * count
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as e:  # noqa: BLE001  (PartitionFailed, KilledWorker, a lost connection)
                how = f" after {RETRIES} retries" if type(e).__name__ == "PartitionFailed" else ""
                raise DriverError(f"partition {future.key[1]}/{count} failed{how}: {type(e).__name__}: {e}",
                                  EXIT_PARTITION_FAILED) from None
            if result["returncode"] not in succeeded:
                raise DriverError(result["stderr"], result["returncode"], verbatim=True)
            results[result["index"]] = result
        return results
    finally:
        client.cancel(futures)


def is_whole_digest(text):
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and "partial" not in value and ("tree" in value or "dandi" in value)


def merge(binary, results, options):
    with tempfile.TemporaryDirectory(prefix="zarr-conformance-dask-") as tmp:
        paths = []
        for r in results:
            path = os.path.join(tmp, f"part-{r['index']:06d}-of-{r['count']:06d}.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.write(r["stdout"])
            paths.append(path)
        return subprocess.run([binary, "merge", *paths, *options], stdin=subprocess.DEVNULL, capture_output=True)


def run(args):
    binary = find_binary(args.binary)
    check_merge(binary)
    location = normalize_location(args.location)
    arguments, files, merge_options = plan(args, location)
    with connect(args) as client:
        if not client.nthreads():
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        threads = sum(client.nthreads().values())
        if args.partitions:
            count = args.partitions
        else:
            count = default_partitions(args.command, getattr(args, "algorithm", None), threads,
                                       store_info(binary, args, location))
        results = run_partitions(client, binary, arguments, files, count)
    if arguments[0] == "digest" and count == 1 and is_whole_digest(results[0]["stdout"]):
        # `digest --partition 0/1` prints the whole digest, not a part: there is nothing to merge.
        sys.stdout.write(results[0]["stdout"])
        return 0
    done = merge(binary, results, merge_options)
    sys.stdout.buffer.write(done.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(done.stderr)
    sys.stderr.flush()
    return done.returncode


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except DriverError as e:
        if e.verbatim:
            sys.stderr.write(str(e))
        else:
            print(f"zarr_conformance_dask: {e}", file=sys.stderr)
        return e.code
    except OSError as e:  # no scheduler at --scheduler, no worker joined, no port for a LocalCluster
        print(f"zarr_conformance_dask: {e}", file=sys.stderr)
        return EXIT_PARTITION_FAILED
    except KeyboardInterrupt:
        return 130
