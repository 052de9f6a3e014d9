"""The one Dask task: run the zarr-conformance binary on one partition of a store.

This module uses the standard library only and is sent to the workers by value (cloudpickle's
register_pickle_by_value, see driver.py), so a worker needs Python, distributed and the binary,
not this package.
"""
import os
import subprocess
import tempfile

# The binary's own exit codes that are an answer rather than a failure: 0 and 1 (no finding, or
# findings reaching --fail-on) are a partial result; 2 (usage) and 3 (store unreadable) end the run.
ANSWERS = (0, 1, 2, 3)


class PartitionFailed(RuntimeError):
    """The binary crashed, was killed or could not be started: Dask retries the task."""


def run_partition(binary, arguments, index, count, files=None, timeout=None):
    """Runs `binary ARGUMENTS --partition INDEX/COUNT` and returns
    {"index", "count", "returncode", "stdout", "stderr"}.

    `files` maps a name to bytes the command needs on the worker (a manifest for
    --expect-chunks): each is written to a temporary directory and an argument "@file:NAME" is
    replaced by its path. The task reads the store only, so running it again (a retry, or a second
    run after a worker was lost) gives the same result.
    """
    with tempfile.TemporaryDirectory(prefix="zarr-conformance-dask-") as tmp:
        argv = [binary]
        for argument in arguments:
            if isinstance(argument, str) and argument.startswith("@file:"):
                name = argument[len("@file:"):]
                path = os.path.join(tmp, os.path.basename(name) or "file")
                with open(path, "wb") as f:
                    f.write(files[name])
                argument = path
            argv.append(argument)
        argv += ["--partition", f"{index}/{count}"]
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PartitionFailed(f"partition {index}/{count}: {e}") from None
    stdout = done.stdout.decode("utf-8", errors="replace")
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode not in ANSWERS:
        how = f"killed by signal {-done.returncode}" if done.returncode < 0 else f"exit code {done.returncode}"
        raise PartitionFailed(f"partition {index}/{count}: {os.path.basename(binary)} {how}: {stderr.strip()[-2000:]}")
    return {"index": index, "count": count, "returncode": done.returncode, "stdout": stdout, "stderr": stderr}
