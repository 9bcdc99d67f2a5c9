"""Scale-out on a Dask cluster: the same counts as the local path, computed by many machines.

Optional: needs ``dask.distributed`` (``pip install 'minent[dask]'``). Commands take
``--scheduler tcp://host:8786`` (a running ``dask scheduler``) or ``--scheduler local`` (a
scheduler and ``--jobs`` worker processes started on this machine, :class:`LocalProcesses`).
``minent newwords`` keeps its encoded text on the workers between passes (:class:`RemoteChunks`).

How the work moves (a map over partitions, then a tree of merges):

1. **Plan** (client): the inputs are cut into tasks of about ``partition_bytes`` on-disk bytes.
   A large uncompressed file is cut into byte ranges; a range owns the lines that *start* inside
   it (:meth:`~minent.io.corpus.Corpus.range_documents`), so every line is read exactly once.
   Compressed files, CSV inputs and small files are whole pieces; small files are grouped. A task
   is a few ``(path, start, end)`` triples: tens of bytes are shipped per task, not text. Workers
   must see the inputs at the same paths (a shared filesystem). Standard input cannot be opened
   by a worker: the client reads it and ships batches of documents (bounded in flight).
2. **Map** (workers): each task reads its pieces with the corpus rules (encodings, BOM, CRLF,
   compression, JSONL/CSV fields, errors naming file and line) and counts them with the same
   kernels as the local path (:class:`minent.words.count.Tally`), into one partial table.
3. **Reduce** (workers): partial tables are merged pairwise as they complete, on the workers,
   so about ``log2(tasks)`` merge levels and ``tasks - 1`` merges; each merge moves one table
   between workers. Only the final table travels to the client, which applies the thresholds and
   sorts. Counts are sums, so the result is identical to the local run, whatever the cluster.

Progress is reported per finished task (its on-disk bytes). A task that raises (bad data) stops
the run with that error; a worker that dies is replaced and its tasks rerun by Dask (every task
is a pure function of its inputs); Ctrl-C cancels the outstanding futures.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator

from minent.errors import DataError, MinentError, UsageError
from minent.io.corpus import Corpus
from minent.io.sources import is_stream
from minent.parallel.jobs import default_jobs
from minent.parallel.partition import default_partition_bytes, plan_tasks

log = logging.getLogger("minent")

INSTALL_HINT = "pip install 'minent[dask]' (in a clone of minent: pip install '.[dask]')"


# -- the cluster -----------------------------------------------------------------------------------


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(f"`scheduler` needs dask.distributed, which is not installed: {INSTALL_HINT}") from None
    return distributed


@contextlib.contextmanager
def cluster_client(scheduler: str, jobs: int | None = None, *, connect_timeout: float = 10) -> Iterator:
    """Yield a ``distributed.Client`` for *scheduler* and close it (and a local cluster) after.

    ``"local"`` starts a cluster on this machine (:class:`LocalProcesses`: a ``dask scheduler``
    and a ``dask worker`` with *jobs* single-threaded worker processes, since jieba and Python
    code hold the GIL); anything else is a scheduler address such as ``tcp://10.0.0.5:8786``.
    """
    distributed = _import_distributed()
    with contextlib.ExitStack() as stack:
        n = 1
        if scheduler == "local":
            n = jobs or default_jobs()
            address = stack.enter_context(LocalProcesses(n)).address
        else:
            address = scheduler
        try:
            client = distributed.Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise UsageError(f"`scheduler` {scheduler}: cannot reach a dask scheduler there ({e})") from None
        stack.callback(client.close)
        wait = connect_timeout if scheduler != "local" else 300  # local workers start slowly on a busy machine
        try:
            client.wait_for_workers(n, timeout=wait)
        except (TimeoutError, OSError):
            raise MinentError(f"`scheduler` {scheduler}: no dask worker joined within {wait:g}s") from None
        if scheduler == "local":
            log.info(f"dask: started a local cluster of {n} worker processes at {address}")
        yield client


class LocalProcesses:
    """A Dask cluster on this machine: ``dask scheduler`` (loopback only) and ``dask worker
    --nworkers N --nthreads 1``, started as child processes in a session of their own.

    Why not ``LocalCluster``: its worker processes share the terminal's process group, so a
    Ctrl-C reaches them while they start and they die with tracebacks on stderr. Here Ctrl-C
    reaches only minent, which ends the cluster's processes at once (``killpg``) on the way out,
    whatever happened. The scheduler also exits after a minute without a client, should minent
    itself be killed.
    """

    def __init__(self, n_workers: int, *, timeout: float = 300):
        self.n_workers, self.timeout = n_workers, timeout
        self._procs: list = []
        self._tmp: str | None = None
        self.address = ""

    def __enter__(self) -> LocalProcesses:
        import subprocess
        import tempfile
        import time

        self._tmp = tempfile.mkdtemp(prefix="minent-dask-")
        info = os.path.join(self._tmp, "scheduler.json")
        log_path = os.path.join(self._tmp, "cluster.log")
        # Workers must import this very minent (a development checkout included).
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        common = ["--scheduler-file", info, "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
        try:
            with open(log_path, "ab") as log_file:
                for args in (
                    ["distributed.cli.dask_scheduler", "--port", "0", "--idle-timeout", "60s"],
                    ["distributed.cli.dask_worker", "--nworkers", str(self.n_workers), "--nthreads", "1"],
                ):
                    # minent.parallel.lifeline kills each session (nannies and workers too) should
                    # minent die without cleaning up (SIGKILL, a crash)
                    self._procs.append(subprocess.Popen(
                        [sys.executable, "-m", "minent.parallel.lifeline", str(os.getpid()), *args, *common],
                        env=env, stdin=subprocess.DEVNULL,
                        stdout=log_file, stderr=log_file, start_new_session=True,
                    ))
                    if len(self._procs) == 1:
                        self.address = self._wait_for_scheduler(info, log_path, time.monotonic() + self.timeout)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_for_scheduler(self, info: str, log_path: str, deadline: float) -> str:
        import json
        import time

        while time.monotonic() < deadline:
            if self._procs[0].poll() is not None:
                with open(log_path, errors="replace") as fh:
                    tail = fh.read().strip().splitlines()[-1:] or ["(no output)"]
                raise MinentError(f"`scheduler` local: the dask scheduler did not start: {tail[0]}")
            with contextlib.suppress(OSError, ValueError, KeyError):
                with open(info) as fh:
                    return json.load(fh)["address"]
            time.sleep(0.1)
        raise MinentError("`scheduler` local: the dask scheduler did not start in time")

    def __exit__(self, *exc) -> None:
        import shutil
        import signal

        for proc in reversed(self._procs):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # the whole session: nannies and workers too
        for proc in self._procs:
            proc.wait()
        self._procs = []
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _parallelism(client) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(w.get("nthreads", 1) for w in workers.values()))


# -- map and reduce ------------------------------------------------------------------------------


def _reader_options(corpus: Corpus) -> dict:
    return dict(encoding=corpus.encoding, errors=corpus.errors, jsonl_field=corpus.jsonl_field, csv_column=corpus.csv_column)


def _run_task(reader: dict, pieces, fn: Callable, args: tuple):
    """On a worker: read *pieces* with the corpus rules and apply ``fn(texts, *args)``."""
    corpus = Corpus(["-"], **reader)  # "-" is never opened: only range_documents is used

    def texts() -> Iterator[str]:
        for path, start, end in pieces:
            if not os.path.exists(path):
                raise DataError(f"{path}: not found on this dask worker (every worker must see the inputs at the same path)")
            for _, _, text in corpus.range_documents(path, start, end):
                yield text

    return fn(texts(), *args), dict(corpus.chosen_encodings)


def _run_docs(docs: list[str], fn: Callable, args: tuple):
    """On a worker: apply ``fn(texts, *args)`` to documents the client read (standard input)."""
    return fn(iter(docs), *args), {}


def _merge_task(merge: Callable, a, b):
    return merge(a[0], b[0]), {**a[1], **b[1]}


def _raise_task_error(future, what: str):
    """Turn a failed future into the error the user should see."""
    distributed = _import_distributed()
    try:
        exc = future.exception()
    except distributed.client.FutureCancelledError:
        raise MinentError(f"dask task over {what} was cancelled (did the scheduler restart?)") from None
    if isinstance(exc, MinentError):
        raise exc
    if isinstance(exc, distributed.KilledWorker):
        raise MinentError(f"dask workers kept dying while reading {what} (out of memory?): {exc}") from None
    raise MinentError(f"dask task over {what} failed on a worker: {type(exc).__name__}: {exc}") from None


def map_reduce(
    client,
    corpus: Corpus,
    fn: Callable,
    args: tuple,
    merge: Callable,
    empty,
    *,
    partition_bytes: int | None = None,
    batch_chars: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
):
    """Apply ``fn(texts, *args)`` to every partition of *corpus* on the cluster and merge the
    partial results tree-wise with ``merge(a, b)``; return the final result (*empty* when the
    corpus has no input). With ``merge=None`` nothing is merged: the futures of the partial
    results ``(result, encodings)`` are returned in input order, their data left on the workers. *fn* and *merge* must be importable on the workers, and ``merge`` must
    be associative and commutative (partials meet in completion order) and must not modify its
    arguments (Dask may rerun a merge after losing a worker).

    Futures in *args* (``client.scatter(..., broadcast=True)``) reach every task without being
    shipped again. Also records on *corpus* the encodings that ``--encoding auto`` chose.
    """
    distributed = _import_distributed()
    parallelism = _parallelism(client)
    if partition_bytes is None:
        file_bytes = sum(os.path.getsize(p) for p in corpus.paths if not is_stream(p))
        partition_bytes = default_partition_bytes(file_bytes, parallelism)
    tasks = plan_tasks(corpus, partition_bytes)
    reader = _reader_options(corpus)
    split = len({t.pieces[0][0] for t in tasks if t.pieces[0][1:] != (0, None)})
    log.info(
        f"dask: {len(tasks)} tasks over {sum(not is_stream(p) for p in corpus.paths)} files"
        + (f" ({split} split into byte ranges)" if split else "")
        + (" + standard input and pipes" if any(is_stream(p) for p in corpus.paths) else "")
        + f" on {parallelism} worker threads"
    )

    def stdin_batches() -> Iterator[list[str]]:
        # standard input and pipes can be read only here, once: the client ships their batches
        streams = [p for p in corpus.paths if is_stream(p)]
        if streams:
            yield from Corpus(streams, **reader).batches(max_chars=batch_chars, progress=progress)

    inputs: dict[str, tuple[int, str]] = {}  # key of a map task -> (bytes to report, description)
    submitted: dict[str, int] = {}  # key of a map task -> submission rank
    ac = distributed.as_completed(loop=client.loop)
    batches = stdin_batches()
    stdin_in_flight = 0

    def feed_stdin() -> None:
        nonlocal stdin_in_flight
        while stdin_in_flight < 2 * parallelism:
            docs = next(batches, None)
            if docs is None:
                return
            f = client.submit(_run_docs, docs, fn, args, pure=False)
            inputs[f.key] = (0, "standard input")
            submitted[f.key] = len(submitted)
            stdin_in_flight += 1
            ac.add(f)

    carry = None
    kept: list = []
    try:
        for task in tasks:
            f = client.submit(_run_task, reader, task.pieces, fn, args, pure=False)
            inputs[f.key] = (task.nbytes, task.describe())
            submitted[f.key] = len(submitted)
            ac.add(f)
        feed_stdin()
        for fut in ac:
            nbytes, what = inputs.pop(fut.key, (0, "a merge of partial results"))
            if fut.status != "finished":
                _raise_task_error(fut, what)
            if what == "standard input":
                stdin_in_flight -= 1
                feed_stdin()
            elif nbytes and progress is not None:
                progress(nbytes)
            if merge is None:
                kept.append(fut)
            elif carry is None:
                carry = fut
            else:
                ac.add(client.submit(_merge_task, merge, carry, fut, pure=False))
                carry = None
        if merge is None:
            kept.sort(key=lambda f: submitted[f.key])
            return kept
        if carry is None:
            return empty
        result, encodings = carry.result()
    except BaseException:
        # Ctrl-C or a failed task: stop everything still queued or running for us.
        outstanding = list(ac.futures) + kept + ([carry] if carry is not None else [])
        with contextlib.suppress(Exception):
            client.cancel(outstanding, force=True)
        raise
    corpus.chosen_encodings.update(encodings)
    return result


def hold_on_cluster(corpus: Corpus, scheduler: str, fn: Callable, args: tuple, then: Callable, *,
                    jobs: int | None = None, partition_bytes: int | None = None, batch_chars: int = 1_000_000,
                    progress: Callable[[int], None] | None = None):
    """Reach the cluster at *scheduler* (``"local"``: *jobs* worker processes here), apply
    ``fn(texts, *args)`` to every partition of *corpus* keeping the results on the workers
    (:func:`map_reduce` without a merge), and return ``then(client, parts, stack)``, where
    *stack* (a ``contextlib.ExitStack``) closes the cluster: the caller's result owns it (e.g.
    :class:`RemoteChunks`). The cluster is closed here if anything raises."""
    stack = contextlib.ExitStack()
    try:
        client = stack.enter_context(cluster_client(scheduler, jobs))
        parts = map_reduce(client, corpus, fn, args, None, None, partition_bytes=partition_bytes,
                           batch_chars=batch_chars, progress=progress)
        return then(client, parts, stack)
    except BaseException:
        stack.__exit__(*sys.exc_info())
        raise


def _map_list(fn: Callable, chunks: list) -> list:
    return [fn(ids) for ids in chunks]


def _map_fold(fn: Callable, reduce: Callable, chunks: list):
    out = None
    for ids in chunks:
        out = fn(ids) if out is None else reduce(out, fn(ids))
    return out


def _fold_pair(reduce: Callable, a, b):
    return b if a is None else a if b is None else reduce(a, b)


def wait_all(client, futures: list, what: str) -> None:
    """Wait for *futures* (*what* they compute, for messages); the first one to fail raises the
    error the user should see (a data error as it is)."""
    for f in _import_distributed().as_completed(futures, loop=client.loop):
        if f.status != "finished":
            _raise_task_error(f, what)


def gather_all(client, futures: list, what: str) -> list:
    """The results of *futures*, in order, once all have finished (see :func:`wait_all`)."""
    wait_all(client, futures, what)
    return client.gather(futures)


class RemoteChunks:
    """Encoded id chunks of a corpus held in the memory of Dask workers, one future per task, all
    in the ids of one shared :class:`~minent.text.chars.CharVocab` (:attr:`vocab`).

    It stands for the local spill file of :func:`minent.words.newwords.discover.find_new_words`: the passes
    over the chunks call :meth:`map_chunks`, which runs a function on every chunk where the
    chunk lives; the function (with what it carries: the retained n-gram set of the cutting
    pass, the candidate words of the entropy pass) is shipped once per worker
    (``scatter(broadcast=True)``), the per-chunk results come back in chunk order. Iterating
    fetches the chunks (a fallback; the passes do not). :meth:`close` releases the cluster.
    """

    def __init__(self, client, parts: list, vocab, stack: contextlib.ExitStack):
        self.client, self.vocab = client, vocab
        self._parts, self._stack = parts, stack

    def map_chunks(self, fn: Callable, reduce: Callable | None = None) -> list:
        """``[fn(ids) for ids in chunks]`` in chunk order; with *reduce* (associative and
        commutative), the results are combined on the workers, first within each task, then
        tree-wise across tasks, and ``[combined]`` (``[]`` without chunks) comes back."""
        client = self.client
        shipped = client.scatter(fn, broadcast=True, hash=False)
        if reduce is None:
            futures = [client.submit(_map_list, shipped, part, pure=False) for part in self._parts]
            return [r for rs in gather_all(client, futures, "encoded chunks") for r in rs]
        futures = [client.submit(_map_fold, shipped, reduce, part, pure=False) for part in self._parts]
        final = None
        ac = _import_distributed().as_completed(futures, loop=client.loop)
        for fut in ac:
            if fut.status != "finished":
                _raise_task_error(fut, "encoded chunks")
            if final is None:
                final = fut
            else:
                ac.add(client.submit(_fold_pair, reduce, final, fut, pure=False))
                final = None
        result = final.result() if final is not None else None
        return [] if result is None else [result]

    def __iter__(self) -> Iterator:
        for part in self._parts:
            yield from part.result()

    def close(self) -> None:
        self._parts = []
        self._stack.__exit__(*sys.exc_info())
