"""A jieba-exact tokenizer in numba: jieba's dictionaries and output, an order of magnitude faster.

``Tokenizer(hmm=True, mode="default").cut(text)`` returns exactly ``list(jieba.cut(text))``
(``mode="search"``: ``jieba.cut_for_search``; ``mode="all"``: ``jieba.cut(text, cut_all=True)``),
for jieba's default dictionary, a replacement main dictionary (``dict_path``, jieba's
``set_dictionary``) and a user dictionary (``user_dict``, jieba's ``load_userdict``, including
its frequency rule for words listed without one). The algorithm is restated in
``minent.words.kernels.dag``; this module compiles the dictionary into arrays and drives the kernels.

What is read from the installed jieba package at run time (never copied here): the default
``dict.txt``, the HMM start/transition/emission tables of ``jieba.finalseg``, and the character
classes of jieba's regular expressions (evaluated on every code point). The compiled arrays
are cached on disk under ``$MINENT_CACHE_DIR``, else ``$XDG_CACHE_HOME/minent``, else
``~/.cache/minent`` (a directory of ``.npy`` files per entry, memory-mapped when loaded), keyed
by a hash of the dictionary files and of jieba's sources (their checksums remembered with their
sizes, times and inodes: one ``stat`` each in a later process,
:func:`minent.io.cache_entry.source_digest`); the :data:`CACHE_ENTRIES` most
recently used entries are kept (:func:`prune_cache`); an unwritable cache directory only costs
speed.

Example::

    >>> from minent.words.tokenizers.fast import Tokenizer
    >>> Tokenizer().cut("我来到北京清华大学")
    ['我', '来到', '北京', '清华大学']
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from minent.cache import cache_dir
from minent.errors import DataError, MinentError, UsageError
from minent.io.cache_entry import SOURCE_MEMO, load_entry, load_or_build, prune_entries, save_entry, source_digest
from minent.text.chars import from_codepoints, to_codepoints
from minent.text.batching import CutRule
from minent.words.tokenizers import MODES, jieba_cuts, jieba_dict_path, jieba_dir

log = logging.getLogger("minent")

_MODE_CODE = {"default": 0, "search": 1, "all": 2}
_FORMAT = "minent-tokenizer-5"  # bump when the cached arrays change meaning (5: manifest of checksums)
NCODEPOINTS = 0x110000

# The jieba 0.42 expressions whose semantics the kernels restate. The character classes are
# taken from jieba's own compiled patterns; these strings only guard against a jieba release
# that changes the structure of the algorithm.
_EXPECTED = {
    "re_han_default": "([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)",
    "re_skip_default": "(\r\n|\\s)",
    "re_eng": "[a-zA-Z0-9]",
    "finalseg.re_han": "([\u4E00-\u9FD5]+)",
    "finalseg.re_skip": "([a-zA-Z0-9]+(?:\\.\\d+)?%?)",
}
# jieba's user-dictionary line format: word, optional " freq", optional " tag"
_RE_USERDICT = re.compile("^(.+?)( [0-9]+)?( [a-z]+)?$", re.U)




def _source_files() -> list[Path]:
    d = jieba_dir()
    return [d / "__init__.py", d / "finalseg" / "__init__.py", d / "finalseg" / "prob_start.py",
            d / "finalseg" / "prob_trans.py", d / "finalseg" / "prob_emit.py"]


# --------------------------------------------------------------------------- dictionary files


def _describe_bad_entry(raw: bytes) -> str:
    """A short, printable description of a malformed dictionary line (never binary garbage)."""
    try:
        text = raw.strip().decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text (is this a jieba dictionary?)"
    if not text.isprintable():
        return "control characters in the line (is this a jieba dictionary?)"
    return f"invalid dictionary entry {text[:40] + ('…' if len(text) > 40 else '')!r}"


def read_main_dict(path: str | Path) -> tuple[list[str], list[int]]:
    """Words and frequencies of a jieba main dictionary, as ``gen_pfdict`` reads it.

    Each line is ``word freq [tag]`` separated by single spaces (bytes stripped of ASCII
    whitespace, then UTF-8). A malformed line is a ``DataError`` naming file and line.
    """
    words: list[str] = []
    freqs: list[int] = []
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.strip().decode("utf-8")
                word, freq = line.split(" ")[:2]
                freq = int(freq)
            except ValueError:
                raise DataError(f"{path}: line {lineno}: {_describe_bad_entry(raw)} "
                                "(expected 'word freq [tag]')") from None
            if not 0 <= freq < 2**62:
                raise DataError(f"{path}: line {lineno}: frequency {freq} out of range")
            words.append(word)
            freqs.append(freq)
    return words, freqs


def read_user_dict(path: str | Path) -> list[tuple[str, int | None]]:
    """Entries ``(word, freq or None)`` of a jieba user dictionary, as ``load_userdict`` reads
    them: one ``word [freq] [tag]`` per line, the word may contain spaces, blank lines skipped.
    """
    entries: list[tuple[str, int | None]] = []
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.strip().decode("utf-8").lstrip("\ufeff")
            except UnicodeDecodeError:
                raise DataError(f"{path}: line {lineno}: user dictionary must be UTF-8") from None
            if not line:
                continue
            word, freq, _tag = _RE_USERDICT.match(line).groups()
            if freq is not None:
                freq = int(freq.strip())
                if freq >= 2**62:
                    raise DataError(f"{path}: line {lineno}: frequency {freq} out of range")
            entries.append((word, freq))
    return entries


# --------------------------------------------------------------------------- jieba's tables


def _jieba_tables() -> tuple[np.ndarray, tuple]:
    """Character classes and HMM tables, read from the installed jieba package."""
    import jieba
    import jieba.finalseg as fs

    from minent.words.kernels import dag

    found = {"re_han_default": jieba.re_han_default.pattern,
             "re_skip_default": jieba.re_skip_default.pattern,
             "re_eng": jieba.re_eng.pattern,
             "finalseg.re_han": fs.re_han.pattern,
             "finalseg.re_skip": fs.re_skip.pattern}
    for name, pattern in found.items():
        if pattern != _EXPECTED[name]:
            raise MinentError(f"the fast tokenizer does not support this jieba version "
                              f"({jieba.__version__}: {name} is {pattern!r}); use `tokenizer` jieba")
    if fs.MIN_FLOAT != dag.MIN_FLOAT or set(fs.PrevStatus) != set("BMES"):
        raise MinentError(f"the fast tokenizer does not support jieba {jieba.__version__}'s HMM")

    every = "".join(map(chr, range(NCODEPOINTS)))
    cls = np.zeros(NCODEPOINTS, dtype=np.uint8)
    for rx, bit in ((jieba.re_han_default, dag.BLOCK), (jieba.re_skip_default, dag.SPACE),
                    (jieba.re_eng, dag.ENG), (fs.re_han, dag.FSHAN), (re.compile(r"\d"), dag.DIGIT)):
        for m in rx.finditer(every):
            cls[m.start():m.end()] |= bit

    states = "BEMS"  # the kernel's state numbering (letter order)
    han = np.flatnonzero(cls & dag.FSHAN)
    lo, hi = int(han[0]), int(han[-1]) + 1
    start = np.array([fs.start_P[s] for s in states], dtype=np.float64)
    trans = np.array([[fs.trans_P[a].get(b, fs.MIN_FLOAT) for b in states] for a in states],
                     dtype=np.float64)
    emit = np.full((hi - lo, 4), fs.MIN_FLOAT, dtype=np.float64)
    for y, s in enumerate(states):
        for ch, p in fs.emit_P[s].items():
            if len(ch) == 1 and lo <= ord(ch) < hi:
                emit[ord(ch) - lo, y] = p
    return cls, (start, trans, emit, np.int64(lo))


# --------------------------------------------------------------------------- compiled dictionary


@dataclass
class CompiledDict:
    """jieba's prefix dictionary and HMM as arrays (see ``minent.words.kernels.dag`` for the layout)."""

    trie: tuple
    cls: np.ndarray
    hmm: tuple
    total: int
    has_force: bool
    key: str

    @property
    def logtotal(self) -> float:
        return math.log(self.total)

    def freq(self, word: str) -> int | None:
        """``FREQ.get(word)`` of jieba: the frequency, 0 for a pure prefix, None if absent."""
        from minent.words.kernels import dag

        if not word:
            return None
        cps = to_codepoints(word)
        node = dag.lookup(self.trie, cps, 0, cps.size)
        return None if node < 0 else int(self.trie[3][node])

    _ARRAYS = ("root_child", "ekey", "evals", "nfreq", "nweight", "nflag", "nsig")
    _ALL = _ARRAYS + ("cls", "start", "trans", "emit", "lo", "total", "has_force")

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays of a cache entry (:mod:`minent.io.cache_entry`)."""
        arrays = dict(zip(self._ARRAYS, self.trie))
        arrays.update(cls=self.cls, start=self.hmm[0], trans=self.hmm[1], emit=self.hmm[2],
                      lo=np.array([self.hmm[3]]), total=np.array([self.total], dtype=np.int64),
                      has_force=np.array([self.has_force]))
        return arrays

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray], key: str) -> "CompiledDict":
        trie = tuple(z[name] for name in cls._ARRAYS)
        hmm = (z["start"], z["trans"], z["emit"], np.int64(z["lo"][0]))
        return cls(trie, z["cls"], hmm, int(z["total"][0]), bool(z["has_force"][0]), key)

    def save(self, path: Path) -> None:
        """Write the entry ``path`` (:func:`minent.io.cache_entry.save_entry`: ``.npy`` files
        and their checksums, atomically renamed into place)."""
        save_entry(path, self.arrays(), _FORMAT)

    @classmethod
    def load(cls, path: Path, key: str) -> "CompiledDict":
        """Map a saved entry into memory after checking it
        (:func:`minent.io.cache_entry.load_entry`: copy-on-write, pages shared between processes)."""
        return cls.from_arrays(load_entry(path, cls._ALL, _FORMAT), key)


#: Compiled dictionaries kept in the cache (least recently used ones are removed beyond this).
CACHE_ENTRIES = 4


def prune_cache(directory: Path, keep: int = CACHE_ENTRIES) -> list[Path]:
    """Remove old entries from the tokenizer cache ``directory``; returns what was removed.

    Keeps the ``keep`` most recently used entries (:func:`minent.io.cache_entry.prune_entries`:
    loading an entry refreshes its time, temporary directories of interrupted writes older than
    an hour go) and removes entries of older cache formats (``jieba-*.npz`` files).
    """
    removed = prune_entries(directory, "jieba-", keep)
    for p in directory.glob("jieba-*.npz") if directory.is_dir() else ():
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _hash_files(paths: Sequence[Path | None]) -> str:
    """The cache key of a dictionary compiled from *paths* (None: no such file): their checksums
    (remembered between processes, :func:`minent.io.cache_entry.source_digest`) and the format."""
    h = hashlib.blake2b(_FORMAT.encode(), digest_size=16)
    for p in paths:
        h.update(b"\0file\0")
        if p is not None:
            h.update(source_digest(p, cache_dir() / SOURCE_MEMO).encode())
    return h.hexdigest()


def compile_dict(dict_path: Path, user_dict: Path | None, key: str = "") -> CompiledDict:
    """Compile a main dictionary (+ user dictionary) into arrays; no cache involved."""
    from minent.words.kernels import dag

    words, freqs = read_main_dict(dict_path)
    entries = read_user_dict(user_dict) if user_dict is not None else []
    main_text = "".join(words)
    user_text = "".join(w for w, _ in entries)
    cap_nodes = 1 + len(main_text) + len(user_text)
    if cap_nodes >= 2**31 - 1:
        raise DataError(f"{dict_path}: dictionary too large for the fast tokenizer")
    trie = dag.new_trie(cap_nodes)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    nnodes = dag.build_main(trie, to_codepoints(main_text), offsets,
                            np.array(freqs, dtype=np.int64))
    total = sum(freqs)
    cls, hmm = _jieba_tables()
    has_force = False
    if entries:
        uoff = np.zeros(len(entries) + 1, dtype=np.int64)
        np.cumsum([len(w) for w, _ in entries], out=uoff[1:])
        ufreq = np.array([-1 if f is None else f for _, f in entries], dtype=np.int64)
        longest = max(len(w) for w, _ in entries)
        nnodes, total, has_force = dag.add_user_words(
            trie, nnodes, cls, hmm, total, to_codepoints(user_text), uoff, ufreq, False,
            _scratch(longest), np.empty(longest + 1, np.int32), np.empty(longest + 1, np.int64))
        total = int(total)
    if total <= 0:
        what = "has no entries" if not words else f"has frequencies summing to {total}"
        raise DataError(f"{dict_path}: the dictionary {what} (expected 'word freq [tag]' lines)")
    # log(freq) - log(total) with Python's math.log, exactly as jieba's calc computes it
    nfreq = trie[3][:nnodes]
    logtotal = math.log(total)
    uniq, inverse = np.unique(nfreq, return_inverse=True)
    logs = np.array([math.log(int(f)) - logtotal if f > 0 else 1.0 for f in uniq])
    weights = logs[inverse.ravel()]
    trie = (trie[0], trie[1], trie[2], nfreq.copy(), weights, trie[5][:nnodes].copy(),
            trie[6][:nnodes].copy())
    return CompiledDict(trie, cls, hmm, total, bool(has_force), key)


def _scratch(n: int) -> tuple:
    """Work arrays of the kernels for lines of up to ``n`` characters."""
    n = max(n, 1)
    return (np.empty(n + 1, np.float64), np.empty(n + 1, np.int32), np.empty((n, 4), np.float64),
            np.empty((n, 4), np.int8), np.empty(n, np.int8), np.empty(2 * n + 2, np.int64),
            np.empty(2 * n + 2, np.int32))


@lru_cache(maxsize=8)
def _load_cached(dict_path: str, user_dict: str | None) -> CompiledDict:
    main = Path(dict_path)
    user = Path(user_dict) if user_dict else None
    for p in (main, user):
        if p is not None and not p.is_file():
            raise UsageError(f"dictionary file not found: {p}")
    key = _hash_files([main, user, *_source_files()])
    path = cache_dir() / f"jieba-{key}"

    def build() -> dict[str, np.ndarray]:
        # DEBUG, not INFO: stderr carries only the command's own summary (the CLI contract)
        log.debug("compiling the jieba dictionary %s%s (cached for next time)", main, f" + {user}" if user else "")
        return compile_dict(main, user, key).arrays()

    arrays, loaded = load_or_build(path, CompiledDict._ALL, _FORMAT, build, "dictionary")
    if not loaded:
        try:
            prune_cache(path.parent)
        except OSError:
            pass
    return CompiledDict.from_arrays(arrays, key)


def load_dict(dict_path: str | Path | None = None, user_dict: str | Path | None = None) -> CompiledDict:
    """The compiled dictionary for ``dict_path`` (default: jieba's) plus ``user_dict``.

    Loaded from the on-disk cache when the files' hash matches, compiled (and cached) otherwise;
    memoised in the process.
    """
    main = Path(dict_path) if dict_path else jieba_dict_path()
    return _load_cached(str(main.resolve()), str(Path(user_dict).resolve()) if user_dict else None)


# --------------------------------------------------------------------------- the tokenizer


class Tokenizer:
    """jieba's segmentation, exactly, at numba speed.

    Parameters mirror jieba: ``hmm`` (recognise unknown words with the B/M/E/S HMM; default on,
    like ``jieba.cut``), ``mode`` (``"default"`` = ``jieba.cut``, ``"search"`` =
    ``jieba.cut_for_search``, ``"all"`` = ``jieba.cut(cut_all=True)``), ``dict_path`` (main
    dictionary instead of jieba's ``dict.txt``), ``user_dict`` (jieba user dictionary: ``word
    [freq] [tag]`` per line; a word without frequency gets jieba's ``suggest_freq``).

    ``cut(text)`` treats ``text`` as one string, as jieba does (a newline is a token);
    ``cut_many``, ``tokenize_lines`` and ``count`` process a batch of documents in one kernel
    call, which is where the speed comes from.
    """

    def __init__(self, *, hmm: bool = True, mode: str = "default",
                 dict_path: str | Path | None = None, user_dict: str | Path | None = None):
        if mode not in MODES:
            raise UsageError(f"unknown tokenizer mode {mode!r} (choose from {', '.join(MODES)})")
        self.hmm = bool(hmm)
        self.mode = mode
        self.dict = load_dict(dict_path, user_dict)
        self._scratch = _scratch(1024)
        # load the compiled kernels now, so that forked workers inherit them ready to run
        self._run(["\u4e2d"])

    def __repr__(self) -> str:
        return f"Tokenizer(hmm={self.hmm}, mode={self.mode!r}, dict={self.dict.key[:8]})"

    def _run(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cut ``texts``: (code points of all tokens, token ends, tokens-per-line ends)."""
        from minent.words.kernels import dag

        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        cps = to_codepoints("".join(texts))
        longest = int(lengths.max()) if lengths.size else 0
        if longest + 1 > self._scratch[0].size:
            self._scratch = _scratch(max(longest, 2 * self._scratch[0].size))
        n = int(starts[-1])
        factor = 1 if self.mode == "default" else 4
        out_cp = np.empty(factor * n + 64, np.int32)
        out_end = np.empty(n + 2 * len(texts) + 64, np.int64)
        line_end = np.zeros(len(texts), np.int64)
        st = np.zeros(3, np.int64)
        d = self.dict
        first = 0
        while True:
            if self.mode == "default" and not d.has_force:  # compiled for these settings
                cut = dag.cut_lines_hmm if self.hmm else dag.cut_lines_nohmm
                first = cut(cps, starts, first, d.trie, d.cls, d.hmm, d.logtotal,
                            out_cp, out_end, line_end, st, self._scratch)
            else:
                first = dag.cut_lines(cps, starts, first, d.trie, d.cls, d.hmm, d.has_force,
                                      d.logtotal, _MODE_CODE[self.mode], self.hmm,
                                      out_cp, out_end, line_end, st, self._scratch)
            if first >= len(texts):
                break
            out_cp = np.concatenate([out_cp, np.empty(out_cp.size + 64, np.int32)])
            out_end = np.concatenate([out_end, np.empty(out_end.size + 64, np.int64)])
        return out_cp[:st[0]], out_end[:st[1]], line_end

    def cut_rule(self) -> CutRule:
        """Where a long line may be cut without changing this tokenizer's tokens
        (:func:`minent.words.tokenizers.jieba_cuts`), from the dictionary's character classes."""
        from minent.words.kernels import dag

        def classes() -> np.ndarray:
            bits = self.dict.cls
            return np.where(bits & dag.BLOCK, 0, np.where(bits & dag.SPACE, 2, 1)).astype(np.uint8)

        return jieba_cuts(self.mode, classes)

    def cut(self, text: str) -> list[str]:
        """Tokens of one string, identical to ``list(jieba.cut(text))`` (in this mode)."""
        return self.cut_many([text])[0]

    def cut_many(self, texts: Sequence[str]) -> list[list[str]]:
        """Tokens of each string of ``texts``."""
        out_cp, out_end, line_end = self._run(texts)
        joined = from_codepoints(out_cp)
        bounds = [0, *out_end.tolist()]
        tokens = [joined[a:b] for a, b in zip(bounds, bounds[1:])]
        result = []
        t0 = 0
        for t1 in line_end.tolist():
            result.append(tokens[t0:t1])
            t0 = t1
        return result

    def tokenize_lines(self, texts: Sequence[str], sep: str = " ") -> str:
        """The tokens of each text joined by ``sep``, one output line (ending in ``\\n``) each."""
        from minent.words.kernels import dag

        if len(sep) != 1:
            raise UsageError("the token separator `sep` must be exactly one character")
        out_cp, out_end, line_end = self._run(texts)
        joined = dag.join_tokens(out_cp, out_end, line_end, ord(sep), 10)
        return from_codepoints(joined)

    def count(self, texts: Sequence[str], counts: dict | None = None) -> dict:
        """Add the token counts of ``texts`` to ``counts`` (a dict word -> int) and return it."""
        table = self.table()
        self.count_into(texts, table)
        if counts is None:  # a fresh table: the distinct words go in at C speed
            from collections import Counter

            counts = Counter()
            dict.update(counts, table.items())
            return counts
        for w, c in table.items():
            counts[w] = counts.get(w, 0) + c
        return counts

    def table(self) -> "TokenTable":
        """An empty :class:`TokenTable` for :meth:`count_into`."""
        return TokenTable()

    def count_into(self, texts: Sequence[str], table: "TokenTable") -> None:
        """Cut ``texts`` and add their tokens to ``table`` (no Python string per token)."""
        out_cp, out_end, _ = self._run(texts)
        table.add(out_cp, out_end)


class TokenTable:
    """Token counts kept in numba arrays across many batches (``minent.words.kernels.dag.tally_tokens``).

    Only the distinct tokens are stored, as code points; they become Python strings once, in
    :meth:`items`. This is how ``minent count`` workers count: one table per worker for the
    whole run, instead of a dict per batch.
    """

    def __init__(self, capacity: int = 1 << 14):
        self._alloc(capacity, 4 * capacity)
        self.state = np.zeros(2, np.int64)  # distinct tokens, code points stored

    def _alloc(self, capacity: int, store: int) -> None:
        self.slots = np.full(2 * capacity, -1, np.int64)
        self.hashes = np.empty(capacity, np.uint64)
        self.tstart = np.empty(capacity, np.int64)
        self.tlen = np.empty(capacity, np.int64)
        self.counts = np.empty(capacity, np.int64)
        self.store = np.empty(store, np.int32)

    def __len__(self) -> int:
        return int(self.state[0])

    def add(self, out_cp: np.ndarray, out_end: np.ndarray) -> None:
        """Add the tokens of a cut (code points, token ends) to the table."""
        from minent.words.kernels import dag

        t = 0
        while True:
            t = dag.tally_tokens(out_cp, out_end, t, self.slots, self.hashes, self.tstart,
                                 self.tlen, self.counts, self.store, self.state)
            if t >= out_end.size:
                return
            self._grow(int(out_end[t] - (out_end[t - 1] if t else 0)))

    def _grow(self, need: int) -> None:
        """Double the rows (and slots) when half full; make room for ``need`` more code points."""
        from minent.words.kernels import dag

        n, used = int(self.state[0]), int(self.state[1])
        old = (self.hashes, self.tstart, self.tlen, self.counts, self.store)
        capacity = old[0].size
        if 2 * (n + 1) > self.slots.size or n >= capacity:
            capacity *= 2
        self._alloc(capacity, max(old[4].size, 2 * (used + need)))
        for new, prev in zip((self.hashes, self.tstart, self.tlen, self.counts), old[:4]):
            new[:n] = prev[:n]
        self.store[:used] = old[4][:used]
        dag.rehash_tokens(self.hashes, n, self.slots)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(code points of every distinct token, concatenated; token ends; counts), in order of
        first occurrence: copies, small to pickle (no Python string per token)."""
        n, used = int(self.state[0]), int(self.state[1])
        # tokens are stored one after the other as they first occur: the store is already
        # their concatenation
        return self.store[:used].copy(), self.tstart[:n] + self.tlen[:n], self.counts[:n].copy()

    def items(self) -> list[tuple[str, int]]:
        """``(token, count)`` of every distinct token, in order of first occurrence."""
        cps, ends, counts = self.arrays()
        joined = from_codepoints(cps)
        starts = [0, *ends.tolist()]
        return list(zip([joined[a:b] for a, b in zip(starts, starts[1:])], counts.tolist()))
