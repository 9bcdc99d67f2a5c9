"""Word-frequency counting over a corpus with jieba tokens (docs/algorithms.md §1).

The design is the batch-then-merge scheme measured in the source article, with one table per
process: documents are cut into batches of about ``batch_chars`` characters, each batch is
tokenised in one call and its tokens added to the process's running table (:class:`Tally`; with
the fast tokenizer a numba table of code points, so no token becomes a Python string). With
``jobs > 1`` and files as inputs, worker processes read byte ranges of the files themselves (the
parent only plans them); from standard input the parent reads and hands batches out through a
bounded queue (at most ``2 × jobs`` in flight). Each worker sends one table back at the end,
sorted by word, as arrays (:class:`~minent.words.table.WordTable`: code points, word ends,
counts), so the parent merges ``jobs`` sorted tables in linear time without unpickling a string
per word. Addition is commutative, so the result is identical for every ``jobs``; rows are
sorted by count (descending) and then by word (a stable sort on the counts of the merged table),
words compared on code points as Python compares strings; strings are made for the rows kept,
when :attr:`WordCounts.rows` is first read (the CLI writes TSV from the arrays).

Tokenizers are pluggable (:data:`minent.words.tokenizers.TOKENIZERS`): ``fast`` (the default)
and ``jieba``, which wraps a private ``jieba.Tokenizer`` (never jieba's global one).

>>> from minent.io.corpus import Corpus
>>> counts = count_words(Corpus(["data/sample.txt"]), jobs=1)   # doctest: +SKIP
>>> counts.rows[:2]                                           # doctest: +SKIP
[('的', 1043), ('，', 998)]
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from minent.errors import UsageError
from minent.io.corpus import Corpus
from minent.parallel.jobs import default_jobs
from minent.parallel.partition import default_partition_bytes, plan_tasks
from minent.parallel.processes import check_alive, next_message, pool_context, stop_workers
from minent.text.batching import Fragment, batched
from minent.words.table import WordTable
from minent.words.tokenizers import cut_rule, make_tokenizer

log = logging.getLogger("minent")

class WordCounts:
    """The result of :func:`count_words`: ``rows`` of (word, count), most frequent first.

    Held as a :class:`~minent.words.table.WordTable` (``table``, already in row order); ``rows``,
    the list of ``(word, count)`` tuples, is built from it when first asked for.
    """

    columns: tuple[str, ...] = ("word", "count")

    def __init__(self, rows: list[tuple[str, int]] | None = None, tokens: int = 0, documents: int = 0,
                 distinct: int = 0, *, table: WordTable | None = None, settings: dict | None = None):
        self.table = table if table is not None else WordTable.from_items(rows or [])
        self._rows = rows
        self.tokens, self.documents, self.distinct = tokens, documents, distinct
        self.settings = dict(settings or {})
        self.jobs: int | None = None  # worker processes used, set by count_words
        self.jobs_note = ""  # why fewer than the jobs asked for, if so

    @property
    def rows(self) -> list[tuple[str, int]]:
        if self._rows is None:
            self._rows = self.table.rows()
        return self._rows

    def to_rows(self) -> list[tuple[str, int]]:
        return self.rows

    def tsv_chunks(self, header: bool = False) -> Iterator[str]:
        """The rows as TSV text, in chunks (``minent.io.tables.write_table``'s bytes, made
        from the arrays: no Python string per row)."""
        if header:
            yield "\t".join(self.columns) + "\n"
        yield from self.table.tsv_chunks()

    def __len__(self) -> int:
        return len(self.table)

    def __eq__(self, other) -> bool:
        if not isinstance(other, WordCounts):
            return NotImplemented
        return (self.table, self.tokens, self.documents, self.distinct) == (
            other.table, other.tokens, other.documents, other.distinct)

    def __repr__(self) -> str:
        return (f"WordCounts({len(self)} rows, tokens={self.tokens}, documents={self.documents}, "
                f"distinct={self.distinct})")


class Tally:
    """Running word counts of one process: batches go in, one table comes out at the end.

    Batch backends (the fast tokenizer) count into their own table of code points
    (:class:`minent.words.tokenizers.fast.TokenTable`), so a token becomes a Python string only once per
    distinct word, when :meth:`result` is called; other backends count into a ``Counter``.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.table = tokenizer.table() if hasattr(tokenizer, "table") else None
        self.counter: Counter = Counter()
        self.documents = 0

    def add(self, docs: list[str]) -> None:
        if self.table is not None:
            self.tokenizer.count_into(docs, self.table)
        else:
            for doc in docs:
                self.counter.update(self.tokenizer.cut(doc))
        # a Fragment is a piece of a long line, continued by the next document: not a document
        self.documents += len(docs) - sum(isinstance(doc, Fragment) for doc in docs)

    def add_texts(self, texts: Iterable[str], batch_chars: int) -> None:
        """Add a stream of documents, cut into batches of about *batch_chars* characters."""
        for batch in batched(texts, batch_chars):
            self.add(batch)

    def result(self, min_length: int = 1, drop_punct: bool = False) -> tuple[WordTable, int, int]:
        """(table of the kept words, sorted by word, number of tokens kept, documents); see
        :meth:`WordTable.kept`. Sorted here, in the worker, the tables merge in linear time."""
        if self.table is not None:
            table = WordTable(*self.table.arrays())
        else:
            table = WordTable.from_items(self.counter.items())
        kept = table.kept(min_length, drop_punct).sorted_by_word()
        return kept, kept.total(), self.documents


# -- worker processes ---------------------------------------------------------------------------
#
# Two ways to feed the workers. When every input is a file, the parent only plans byte ranges
# (``minent.parallel.dask.plan_tasks``: a range owns the lines that start in it) and each worker
# reads, decodes, tokenises and counts its ranges itself: the parent stays idle instead of
# competing for a core, and no text crosses a pipe. Standard input can only be read once, by
# the parent, which then hands out batches of documents.


def _worker_main(config: dict, inherited, corpus: Corpus, tasks, results, parent: int | None = None) -> None:
    """A counting process: counts every task it takes from *tasks* (("docs", batch) or
    ("range", index, pieces)) into one :class:`Tally`, reports ("done", index, bytes,
    encodings) after each range, and sends ("table", ...) once at the end marker (None)."""
    from minent.parallel.lifeline import die_with_parent

    # Ctrl-C goes to the whole process group; the parent decides, the workers just stop. A
    # SIGTERM ends a worker at once, and so does the end of its parent, however it ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    index = -1
    try:
        tokenizer = inherited if inherited is not None else make_tokenizer(**config["tokenizer"])
        tally = Tally(tokenizer)
        cutter = corpus.line_cutter(config["batch_chars"], cut_rule(tokenizer))  # long lines in pieces
        while (task := tasks.get()) is not None:
            if task[0] == "docs":
                tally.add(task[1])
                continue
            _, index, pieces, nbytes = task
            texts = (text for path, start, end in pieces
                     for _, _, text in corpus.range_documents(path, start, end, cutter=cutter))
            tally.add_texts(texts, config["batch_chars"])
            results.put(("done", index, nbytes, dict(corpus.chosen_encodings)))
            index = -1
        results.put(("table", None, tally.result(config["min_length"], config["drop_punct"]), None))
    except BaseException as e:  # report, don't die silently: the parent re-raises it
        results.put(("error", index, e, None))


def _range_tasks(corpus: Corpus, jobs: int, partition_bytes: int | None) -> list | None:
    """Byte-range tasks for the workers, or None when the parent must read (standard input, or
    too few or too uneven pieces, e.g. one big compressed file, which would leave workers idle)."""
    if corpus.total_bytes is None:  # standard input or a pipe: read once, by the parent
        return None
    total = corpus.total_bytes
    size = partition_bytes or default_partition_bytes(total, jobs)
    tasks = plan_tasks(corpus, size)
    if len(tasks) < jobs or max(t.nbytes for t in tasks) > 2 * size:
        return None
    return tasks


def _parallel_results(corpus: Corpus, tokenizer, config: dict, jobs: int, progress,
                      partition_bytes: int | None) -> Iterator[tuple[WordTable, int, int]]:
    """One (table, tokens, documents) part per worker; their sums are the corpus totals.

    Each worker sums everything it counts and sends one table at the end, so the parent merges
    ``jobs`` tables: "count per batch in small tables, merge rarely". A data error is the one
    of the first failing range in input order, as a sequential read would report it.
    """
    ranges = _range_tasks(corpus, jobs, partition_bytes)
    ctx = pool_context()
    inherited = tokenizer if ctx.get_start_method() == "fork" else None
    tasks = ctx.Queue(maxsize=2 * jobs if ranges is None else 0)  # batches: bounded memory
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker_main, args=(config, inherited, corpus, tasks, results),
                         kwargs={"parent": os.getpid()}, daemon=True)
             for _ in range(jobs)]
    from minent.parallel.lifeline import default_sigterm

    with default_sigterm():  # a SIGTERM at a worker's very start ends it, never becomes a traceback
        for p in procs:
            p.start()
    errors: dict[int, BaseException] = {}
    pending: set[int] = set()
    tables = []

    def handle(message) -> None:
        kind, index, payload, encodings = message
        if kind == "error":
            if index < 0:  # not a data error of a range: nothing earlier can take precedence
                raise payload
            errors[index] = payload
        elif kind == "done":
            pending.discard(index)
            corpus.chosen_encodings.update(encodings)
            if progress is not None:
                progress(payload)
        else:
            tables.append(payload)
        if errors and not any(i < min(errors) for i in pending):
            raise errors[min(errors)]

    try:
        if ranges is None:
            cut = cut_rule(tokenizer)
            for docs in corpus.batches(max_chars=config["batch_chars"], progress=progress, cut=cut):
                while True:
                    try:
                        tasks.put(("docs", docs), timeout=0.2)
                        break
                    except queue.Full:  # workers busy; meanwhile make sure none has failed
                        while not results.empty():
                            handle(results.get())
                        check_alive(procs)
        else:
            for i, task in enumerate(ranges):
                pending.add(i)
                tasks.put(("range", i, task.pieces, task.nbytes))
        for _ in procs:
            tasks.put(None)
        while len(tables) < jobs:
            handle(next_message(results, procs))
        for p in procs:
            p.join()
        yield from tables
    finally:
        stop_workers(procs, tasks)


def worker_processes(jobs: int, corpus: Corpus, batch_chars: int, partition_bytes: int | None = None) -> tuple[int, str]:
    """How many counting processes are worth starting for *jobs*: no more than the CPUs this
    process may use, nor than the batches of *batch_chars* characters the input can make (known
    for plain files only: a compressed input or standard input may hold any amount; a character
    is at least one byte, so bytes / batch_chars bounds the batches from above).

    Byte ranges of *partition_bytes*, when smaller, are the unit instead. Returns ``(n, why)``;
    *why* is empty when ``n == jobs``, else what limited it.
    """
    from minent.io.corpus import is_compressed

    n, why = jobs, []
    cpus = default_jobs()
    if cpus < n:
        n = cpus
        why.append(f"{cpus} CPU{'s' if cpus != 1 else ''} available")
    total = corpus.total_bytes
    try:
        plain = total is not None and not any(is_compressed(p) for p in corpus.paths)
    except OSError:
        plain = False
    if plain:
        unit = min(batch_chars, partition_bytes or batch_chars)
        batches = max(1, -(-total // unit))
        if batches < n:
            n = batches
            why.append(f"{total:,} bytes of input make at most {batches} batch{'es' if batches != 1 else ''} "
                       f"of {unit:,} characters")
    return n, "; ".join(why)


def count_words(
    corpus: Corpus,
    *,
    tokenizer: str = "fast",
    hmm: bool = True,
    mode: str = "default",
    user_dict: str | os.PathLike | None = None,
    dict_path: str | os.PathLike | None = None,
    min_count: int = 1,
    top: int | None = None,
    min_length: int = 1,
    drop_punct: bool = False,
    jobs: int | None = None,
    batch_chars: int | None = None,
    progress: Callable[[int], None] | None = None,
    scheduler: str | None = None,
    partition_bytes: int | None = None,
) -> WordCounts:
    """Count the words of *corpus* as the tokenizer cuts them.

    Parameters
    ----------
    tokenizer, hmm, mode, dict_path, user_dict
        The tokenizer backend and its options (jieba's ``HMM`` flag, ``default``/``search``/``all``
        cutting, a replacement main dictionary, a user dictionary).
    min_count, top, min_length, drop_punct
        Keep words seen at least *min_count* times, at least *min_length* characters long, with
        at least one word character when *drop_punct* (so punctuation goes); then the *top* most
        frequent. Whitespace-only tokens are always dropped.
    jobs
        Worker processes (default: the CPUs available). The result does not depend on it.
    batch_chars
        Characters per batch. Default: 1,000,000 for backends that cut a whole batch in one call
        (the fast tokenizer: fewer, larger tables), 200,000 for per-document ones (jieba: about a
        second of work per batch, so small corpora still spread over the workers). A longer
        line is counted in pieces of at most *batch_chars* characters, cut where jieba's tokens
        do not change (the tokenizer's ``cut_rule()``; on the Dask path lines are
        still read whole).
    progress
        Called with the number of input bytes consumed, as reading advances.
    partition_bytes
        With several jobs and only files as inputs, each worker reads its own byte ranges of
        about this many bytes (default: about four per job, 1 to 64 MiB).
    scheduler
        Count on a Dask cluster instead (:mod:`minent.parallel.dask`): a scheduler address such as
        ``tcp://host:8786``, or ``"local"`` for *jobs* worker processes on this machine. Same result.

    Equal to ``Counter(t for doc in docs for t in jieba.cut(doc) if t.strip())`` with the same
    options, sorted by (-count, word).
    """
    if min_count < 1 or min_length < 1 or (top is not None and top < 0):
        raise UsageError("`min_count` and `min_length` must be ≥ 1 and `top` ≥ 0")
    chosen = jobs is not None
    if jobs is None:
        jobs = default_jobs()
    if jobs < 1:
        raise UsageError("`jobs` must be ≥ 1")
    tk_config = dict(name=tokenizer, hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)
    tk = make_tokenizer(**tk_config)
    config = dict(tokenizer=tk_config, min_length=min_length, drop_punct=drop_punct)
    if batch_chars is None:
        batch_chars = 1_000_000 if hasattr(tk, "count") else 200_000

    requested, note = jobs, ""
    if scheduler is None and jobs > 1:
        jobs, why = worker_processes(jobs, corpus, batch_chars, partition_bytes)
        if why:
            log.debug(f"count: {jobs} worker process{'es' if jobs != 1 else ''} instead of jobs={requested} ({why})")
            if chosen:  # asked for explicitly: the result says why it got fewer (the default just fits)
                note = f"{jobs} instead of {requested}: {why}"
    if scheduler is not None:
        total, n_tokens, n_docs = count_tables(
            corpus, scheduler, config, jobs=jobs, batch_chars=batch_chars, partition_bytes=partition_bytes,
            progress=progress,
        )
    elif jobs == 1:
        tally = Tally(tk)
        for docs in corpus.batches(max_chars=batch_chars, progress=progress, cut=cut_rule(tk)):
            tally.add(docs)
        total, n_tokens, n_docs = tally.result(min_length, drop_punct)
    else:
        config["batch_chars"] = batch_chars
        parts = list(_parallel_results(corpus, tk, config, jobs, progress, partition_bytes))
        total = WordTable.merge([table for table, _, _ in parts])
        n_tokens = sum(tokens for _, tokens, _ in parts)
        n_docs = sum(docs for _, _, docs in parts)
    # Python strings are made only for the rows kept, and only if asked for (WordCounts.rows).
    settings = dict(tokenizer=tokenizer, hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict,
                    min_count=min_count, top=top, min_length=min_length, drop_punct=drop_punct)
    result = WordCounts(table=total.ordered(min_count, top), tokens=n_tokens, documents=n_docs,
                        distinct=len(total), settings=settings)
    result.jobs = jobs  # the worker processes actually used (see worker_processes)
    result.jobs_note = note
    return result


# -- on a Dask cluster (minent.parallel.dask) ------------------------------------------------------

_tokenizers: dict[str, object] = {}
_tokenizers_lock = threading.Lock()


def _worker_tokenizer(config: dict):
    """The tokenizer for *config*, built once per worker process and kept for later tasks."""
    key = repr(sorted(config.items()))
    with _tokenizers_lock:
        if key not in _tokenizers:
            _tokenizers[key] = make_tokenizer(**config)
        return _tokenizers[key]


def count_texts(texts: Iterable[str], config: dict, batch_chars: int) -> tuple[WordTable, int, int]:
    """Map step of ``minent count``: (word table, tokens kept, documents) of *texts*, counted in
    batches into one :class:`minent.words.count.Tally` exactly as the local path does."""
    tally = Tally(_worker_tokenizer(config["tokenizer"]))
    tally.add_texts(texts, batch_chars)
    return tally.result(config["min_length"], config["drop_punct"])


def merge_counts(a: tuple[WordTable, int, int], b: tuple[WordTable, int, int]) -> tuple[WordTable, int, int]:
    """Reduce step of ``minent count``: the sum of two partial results (inputs left untouched).
    Tables travel between workers as arrays (:class:`minent.words.table.WordTable`)."""
    return WordTable.merge([a[0], b[0]]), a[1] + b[1], a[2] + b[2]


def count_tables(
    corpus: Corpus,
    scheduler: str,
    config: dict,
    *,
    jobs: int | None = None,
    batch_chars: int = 100_000,
    partition_bytes: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[WordTable, int, int]:
    """The (word table, tokens, documents) of :func:`minent.words.count.count_words`, computed on
    the Dask cluster at *scheduler* (``"local"``: a cluster of *jobs* processes on this machine).

    *config* is the one ``count_words`` builds: ``{"tokenizer": make_tokenizer kwargs,
    "min_length": ..., "drop_punct": ...}``; each worker builds the tokenizer once.
    """
    from minent.parallel.dask import cluster_client, map_reduce

    with cluster_client(scheduler, jobs) as client:
        return map_reduce(
            client,
            corpus,
            count_texts,
            (config, batch_chars),
            merge_counts,
            (WordTable(), 0, 0),
            partition_bytes=partition_bytes,
            batch_chars=batch_chars,
            progress=progress,
        )
