"""Word-frequency counting over a corpus with jieba tokens (ALGORITHMS.md §1).

The design is the batch-then-merge scheme measured in the source article: documents are cut into
batches of about ``batch_chars`` characters; each batch is tokenised and counted in a fresh small
table (a ``Counter``), and the small tables are merged. With ``jobs > 1`` the parent reads and
hands batches to worker processes through a bounded queue (at most ``2 × jobs`` batches in
flight, so memory is the tables plus a few batches); each worker holds its own tokenizer, sums
its batch tables itself and sends one table back at the end, so the parent merges ``jobs``
tables, not one per batch. Addition is commutative, so the result is identical for every
``jobs``; rows are sorted by count (descending) and then by word.

Tokenizers are pluggable (:data:`TOKENIZERS`): ``jieba`` wraps a private ``jieba.Tokenizer``
(never jieba's global one), other backends register here.

>>> from minent.io.corpus import Corpus
>>> counts = count_words(Corpus(["data/sample.txt"]), jobs=1)   # doctest: +SKIP
>>> counts.rows[:2]                                           # doctest: +SKIP
[('的', 1043), ('，', 998)]
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import os
import queue
import signal
from collections import Counter
from operator import itemgetter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from minent.errors import DataError, UsageError
from minent.io.corpus import Corpus
from minent.io.text import has_word_char

MODES = ("default", "search", "all")

#: Tokenizer backends: name -> "module:callable" building a tokenizer from the keyword arguments
#: ``hmm, mode, dict_path, user_dict``. A tokenizer has ``cut(text) -> Iterable[str]``.
TOKENIZERS: dict[str, str] = {
    "jieba": "minent.wordfreq:JiebaTokenizer",
    "fast": "minent.tokenizer:Tokenizer",  # jieba's output, numba speed (issue 7)
}


class JiebaTokenizer:
    """jieba's own segmenter, as a private ``jieba.Tokenizer`` instance.

    ``mode`` is ``default`` (``cut``), ``search`` (``cut_for_search``) or ``all``
    (``cut(cut_all=True)``, which ignores ``hmm``).
    """

    def __init__(self, *, hmm: bool = True, mode: str = "default", dict_path=None, user_dict=None):
        import jieba

        self.hmm, self.mode = hmm, mode
        self._tk = jieba.Tokenizer(dictionary=str(dict_path) if dict_path else jieba.DEFAULT_DICT)
        # jieba logs its dictionary loading at DEBUG through its own stderr handler: hush it for
        # the load only, and give its logger back as we found it.
        jieba_log = logging.getLogger("jieba")
        level = jieba_log.level
        jieba_log.setLevel(logging.WARNING)
        try:
            self._tk.initialize()
        except Exception as e:  # jieba raises bare ValueErrors/TypeErrors on malformed dictionaries
            raise DataError(f"{dict_path}: not a jieba dictionary ({e})") from None
        finally:
            jieba_log.setLevel(level)
        if user_dict is not None:
            try:
                self._tk.load_userdict(str(user_dict))
            except Exception as e:
                raise DataError(f"{user_dict}: not a jieba user dictionary ({e})") from None

    def cut(self, text: str) -> Iterable[str]:
        if self.mode == "search":
            return self._tk.cut_for_search(text, HMM=self.hmm)
        if self.mode == "all":
            return self._tk.cut(text, cut_all=True)
        return self._tk.cut(text, HMM=self.hmm)


def make_tokenizer(
    name: str = "jieba",
    *,
    hmm: bool = True,
    mode: str = "default",
    dict_path: str | os.PathLike | None = None,
    user_dict: str | os.PathLike | None = None,
):
    """Build the tokenizer backend *name* (see :data:`TOKENIZERS`)."""
    if name not in TOKENIZERS:
        raise UsageError(f"unknown tokenizer {name!r} (choose from {', '.join(TOKENIZERS)})")
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    for label, path in (("--dict", dict_path), ("--user-dict", user_dict)):
        if path is not None and not Path(path).is_file():
            raise UsageError(f"{label} {path}: no such file")
    module, attr = TOKENIZERS[name].split(":")
    factory = getattr(importlib.import_module(module), attr)
    return factory(hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)


@dataclass
class WordCounts:
    """The result of :func:`count_words`: ``rows`` of (word, count), most frequent first."""

    rows: list[tuple[str, int]]
    tokens: int = 0
    documents: int = 0
    distinct: int = 0
    columns: tuple[str, ...] = field(default=("word", "count"))

    def to_rows(self) -> list[tuple[str, int]]:
        return self.rows

    def __len__(self) -> int:
        return len(self.rows)


def _keep(word: str, min_length: int, drop_punct: bool) -> bool:
    if not word.strip() or len(word) < min_length:
        return False
    return has_word_char(word) if drop_punct else True


def count_batch(tokenizer, docs: list[str], min_length: int = 1, drop_punct: bool = False) -> tuple[dict[str, int], int]:
    """Count the tokens of one batch in a fresh table; returns (table, number of tokens kept)."""
    if hasattr(tokenizer, "count"):  # batch backends cut the whole batch in one call
        table = tokenizer.count(docs)
    else:
        table = Counter()
        for doc in docs:
            table.update(tokenizer.cut(doc))
    kept = {w: c for w, c in table.items() if _keep(w, min_length, drop_punct)}
    return kept, sum(kept.values())


# -- worker processes ---------------------------------------------------------------------------

def _worker_main(config: dict, inherited, tasks, results) -> None:
    """A counting process: counts every batch it takes from *tasks* into its own table and
    sends that table back once, when it meets the end marker (None)."""
    # Ctrl-C goes to the whole process group; the parent decides, the workers just stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        tokenizer = inherited if inherited is not None else make_tokenizer(**config["tokenizer"])
        total: Counter = Counter()
        tokens = docs = 0
        while (batch := tasks.get()) is not None:
            table, kept = count_batch(tokenizer, batch, config["min_length"], config["drop_punct"])
            total.update(table)
            tokens += kept
            docs += len(batch)
        results.put((None, dict(total), tokens, docs))
    except BaseException as e:  # report, don't die silently: the parent re-raises it
        results.put((e, None, 0, 0))


def _pool_context():
    # fork shares the parent's loaded dictionary (copy-on-write) and starts workers instantly.
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def _check_alive(procs) -> None:
    # A worker that finished normally has exit code 0 (its result is already in the pipe).
    if any(p.exitcode not in (None, 0) for p in procs):
        raise RuntimeError("a counting worker process died (out of memory, or killed)")


def _get(results, procs, timeout: float = 0.2):
    """The next worker result, or an error if a worker died without one."""
    while True:
        try:
            return results.get(timeout=timeout)
        except queue.Empty:
            _check_alive(procs)


def _batch_results(
    batches: Iterator[list[str]], tokenizer, config: dict, jobs: int
) -> Iterator[tuple[dict[str, int], int, int]]:
    """(table, tokens, documents) parts whose sums are the corpus totals.

    With one job, one part per batch. With more, each worker process sums its batches itself
    and yields one part at the end, so the parent only reads, dispatches and merges ``jobs``
    tables: "count per batch in small tables, merge rarely".
    """
    if jobs == 1:
        for docs in batches:
            table, tokens = count_batch(tokenizer, docs, config["min_length"], config["drop_punct"])
            yield table, tokens, len(docs)
        return
    ctx = _pool_context()
    inherited = tokenizer if ctx.get_start_method() == "fork" else None
    tasks = ctx.Queue(maxsize=2 * jobs)  # bounded: memory holds a few batches, not the corpus
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker_main, args=(config, inherited, tasks, results), daemon=True) for _ in range(jobs)]
    for p in procs:
        p.start()
    try:
        for docs in batches:
            while True:
                try:
                    tasks.put(docs, timeout=0.2)
                    break
                except queue.Full:  # workers busy; meanwhile make sure none has failed
                    if not results.empty():
                        error = results.get()[0]
                        raise error if error is not None else RuntimeError("a worker stopped early")
                    _check_alive(procs)
        for _ in procs:
            tasks.put(None)
        for _ in procs:
            error, table, tokens, docs = _get(results, procs)
            if error is not None:
                raise error
            yield table, tokens, docs
        for p in procs:
            p.join()
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join()
        tasks.cancel_join_thread()  # never wait to flush batches nobody will read


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
        second of work per batch, so small corpora still spread over the workers).
    progress
        Called with the number of input bytes consumed, as reading advances.
    scheduler
        Count on a Dask cluster instead (:mod:`minent.distributed`): a scheduler address such as
        ``tcp://host:8786``, or ``"local"`` for *jobs* worker processes on this machine. Same result.

    Equal to ``Counter(t for doc in docs for t in jieba.cut(doc) if t.strip())`` with the same
    options, sorted by (-count, word).
    """
    if min_count < 1 or min_length < 1 or (top is not None and top < 0):
        raise UsageError("--min-count and --min-length must be ≥ 1 and --top ≥ 0")
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError("--jobs must be ≥ 1")
    tk_config = dict(name=tokenizer, hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)
    tk = make_tokenizer(**tk_config)
    config = dict(tokenizer=tk_config, min_length=min_length, drop_punct=drop_punct)
    if batch_chars is None:
        batch_chars = 1_000_000 if hasattr(tk, "count") else 200_000

    if scheduler is not None:
        from minent.distributed import count_tables

        total, n_tokens, n_docs = count_tables(
            corpus, scheduler, config, jobs=jobs, batch_chars=batch_chars, progress=progress
        )
    else:
        total, n_tokens, n_docs = Counter(), 0, 0
        batches = corpus.batches(max_chars=batch_chars, progress=progress)
        for table, tokens, docs in _batch_results(batches, tk, config, jobs):
            total.update(table)
            n_tokens += tokens
            n_docs += docs
    rows = [(w, c) for w, c in total.items() if c >= min_count]
    # Two stable sorts (by word, then by count descending) beat one sort on (-count, word)
    # tuples by ~3x on large vocabularies.
    rows.sort(key=itemgetter(0))
    rows.sort(key=itemgetter(1), reverse=True)
    if top is not None:
        rows = rows[:top]
    return WordCounts(rows=rows, tokens=n_tokens, documents=n_docs, distinct=len(total))
