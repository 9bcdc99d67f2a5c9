"""Background model of ordinary language for ranking new words by novelty (docs/newwords-ranking.md).

A background is a unigram word model: words with frequencies, by default jieba's dictionary
(``dict.txt`` of the installed jieba, 349k words), else a ``minent count`` table (``word<TAB>count``)
or any ``word freq [...]`` list built from another corpus. Under it:

* the probability ``q(w)`` of a string is that of its most probable segmentation into background
  words (jieba's max-probability route, ties to the longer word); a character where no
  background word starts is a token of its own whose probability the caller supplies (new-word
  ranking uses the character's relative frequency in the corpus: the background knows nothing
  about that character, so its presence says nothing about new *words*);
* ``mean_length`` = Σ f(w)·len(w) / Σ f(w), the background's characters per token, turns a
  corpus of T characters into an expected N = T / mean_length tokens;
* *common words* are the most frequent words that together make up half of the background's
  tokens (in jieba's dictionary 840 words, 465 of them of two characters or more: 我们 记者 报道
  先生 问题 ...). A multi-character common word is *free*: it is never glued into a new word
  (记者 in 记者薛原, however often the corpus repeats that by-line).
* a character is *free* when it is a common word by itself: among the most frequent
  single-character words that together make up half of the background's single-character
  tokens, and used alone at least as often as inside its longer words (f(c) >= Σ f(w) over the
  longer words w containing c). In jieba's dictionary these are 39 characters (与 为 也 了 从 他
  但 你 到 去 又 只 向 和 在 她 好 对 将 就 已 年 并 我 或 把 是 月 有 由 的 着 等 而 被 说 还 那 都);
  一 这 不 人 上 中 are common but mostly inside words, 薛 娟 队 村 are not common. A new word never begins, ends or straddles a free character.
  The common characters themselves (69 in jieba's dictionary: the 39 free ones and 一 上 下 不 个
  中 人 大 多 这 ...) are *ordinary*: a string made only of them, or one of them stuck to a
  known word, is not new material (这一, 过程中, 一定要).
* *names*: the words a dictionary tags as proper nouns (a third column ``ns`` place, ``nt``
  organisation, ``nz`` other proper noun, ``nr``/``nrt``/``nrfg`` person, as jieba's dictionary
  does for 107k of its words). A compound that begins with a name and does not end with a person's
  name is a name itself (印尼女队, 非洲发展银行; not 美国财政部长鲁宾, a title and a name). A
  background without tags has no names.

The compiled background is cached like the tokenizer's dictionary: jieba's own dictionary reuses
the tokenizer's compiled trie (:func:`minent.words.tokenizers.fast.load_dict`) and caches only the small
statistics above; another file is compiled once into ``background-<hash>`` entries (``.npy``
files, memory-mapped when loaded) under :func:`minent.cache.cache_dir`, keyed by a checksum of
the file (remembered with the file's size, times and inode: a later process checks it with one
``stat``, :func:`minent.io.cache_entry.source_digest`), the :data:`BACKGROUND_ENTRIES` most recently used kept. Entries are written and checked
by :mod:`minent.io.cache_entry`, like the tokenizer's: a manifest of sizes and checksums, a cheap
``stat`` check on load, and an entry damaged in place rebuilt with a warning.

>>> bg = load_background()
>>> [round(float(x), 2) for x in bg.logprob(["他说", "薛原"], lambda cps: np.full(len(cps), -19.0))]
[-10.62, -19.57]
>>> bg.tokens("新华社记者薛原报道", lambda cps: np.full(len(cps), -19.0))
['新华社', '记者', '薛', '原', '报道']
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.cache_entry import SOURCE_MEMO, load_or_build, prune_entries, source_digest

log = logging.getLogger("minent")

_FORMAT = "minent-background-4"  # bump when the cached arrays change meaning (4: manifest of checksums)
_TRIE = ("root_child", "ekey", "evals", "nfreq", "nweight", "nflag", "nsig")
NCODEPOINTS = 0x110000
#: Compiled backgrounds kept in the cache (least recently used ones are removed beyond this).
BACKGROUND_ENTRIES = 4
#: Kinds of names (:meth:`Background.name_kinds`): not a tagged name, a proper noun, a person's name.
NOT_A_NAME, PROPER, PERSON = 0, 1, 2
#: Part-of-speech tags of proper nouns (jieba's / ICTCLAS's tag set), and those of persons' names.
PROPER_TAGS = frozenset({"ns", "nt", "nz", "nr", "nrt", "nrfg"})
PERSON_TAGS = frozenset({"nr", "nrt", "nrfg"})


@dataclass
class Background:
    """A compiled background model (see the module docstring)."""

    trie: tuple
    total: int
    mean_length: float
    free: np.ndarray  # sorted int32 code points of the free characters
    source: str
    common: frozenset = frozenset()  # the common multi-character words (free words, see the module docstring)
    ordinary: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # sorted common characters
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # sorted tagged proper nouns
    name_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # PROPER or PERSON, per name

    def routes(self, words: Sequence[str], char_logprob: Callable[[np.ndarray], np.ndarray]):
        """Best routes of *words*: ``(logprob, ntok, ends, starts)`` arrays.

        ``char_logprob(cps)`` gives, for an int32 array of code points, the log-probability of
        each as a token of its own where no background word starts. Token ``j`` of word ``i``
        ends at ``ends[starts[i] + j]`` (relative to the word), ``j < ntok[i]``.
        """
        n = len(words)
        starts = np.zeros(n + 1, dtype=np.int64)
        if n:
            np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=n), out=starts[1:])
        cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.int32).copy()
        fallback = np.ascontiguousarray(char_logprob(cps), dtype=np.float64) if len(cps) else np.zeros(0)
        from minent.words.kernels import background as KB

        lp = np.zeros(n, dtype=np.float64)
        ntok = np.zeros(n, dtype=np.int64)
        ends = np.zeros(len(cps), dtype=np.int64)
        if n:
            KB.best_routes(cps, starts, fallback, self.trie, lp, ntok, ends)
        return lp, ntok, ends, starts

    def logprob(self, words: Sequence[str], char_logprob: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """ln q(w) of every word (natural log)."""
        return self.routes(words, char_logprob)[0]

    def tokens(self, word: str, char_logprob: Callable[[np.ndarray], np.ndarray]) -> list[str]:
        """The background's best segmentation of one word."""
        return self.split([word], char_logprob)[0]

    def split(self, words: Sequence[str], char_logprob: Callable[[np.ndarray], np.ndarray]) -> list[list[str]]:
        """The background's best segmentation of each of *words* (its tokens)."""
        _, ntok, ends, starts = self.routes(words, char_logprob)
        ends_l, starts_l = ends.tolist(), starts.tolist()
        out = []
        for word, s0, nt in zip(words, starts_l, ntok.tolist()):
            tokens, a = [], 0
            for e in ends_l[s0:s0 + nt]:
                tokens.append(word[a:e])
                a = e
            out.append(tokens)
        return out

    def are_words(self, words: Sequence[str]) -> np.ndarray:
        """Which of *words* are words of the background (frequency > 0)."""
        from minent.words.kernels import background as KB

        n = len(words)
        starts = np.zeros(n + 1, dtype=np.int64)
        if n:
            np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=n), out=starts[1:])
        cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.int32).copy()
        out = np.zeros(n, dtype=np.bool_)
        if n:
            KB.are_words(cps, starts, self.trie, out)
        return out

    def free_mask(self, cps: np.ndarray) -> np.ndarray:
        """Which of the code points *cps* are free characters."""
        return _members(self.free, cps)

    def ordinary_mask(self, cps: np.ndarray) -> np.ndarray:
        """Which of the code points *cps* are common (ordinary) characters."""
        return _members(self.ordinary, cps)

    def name_kinds(self, words: Sequence[str]) -> np.ndarray:
        """For each of *words*: :data:`PERSON`, :data:`PROPER` (another proper noun) or
        :data:`NOT_A_NAME` (untagged, or not a word of the background)."""
        if len(self.names) == 0 or len(words) == 0:
            return np.zeros(len(words), dtype=np.int8)
        q = np.array(words, dtype=str)
        pos = np.clip(np.searchsorted(self.names, q), 0, len(self.names) - 1)
        return np.where(self.names[pos] == q, self.name_kind[pos], NOT_A_NAME).astype(np.int8)


def _members(sorted_values: np.ndarray, cps: np.ndarray) -> np.ndarray:
    if len(sorted_values) == 0:
        return np.zeros(len(cps), dtype=bool)
    pos = np.clip(np.searchsorted(sorted_values, cps), 0, len(sorted_values) - 1)
    return sorted_values[pos] == cps


# --------------------------------------------------------------------------- reading word lists


def read_background(path: str | os.PathLike) -> tuple[list[str], list[int], dict[str, str]]:
    """Words, frequencies and part-of-speech tags of a background file: one ``word count`` per
    line, separated by a tab or spaces (``minent count`` tables, jieba dictionaries
    ``word freq [tag]``, ``word freq`` lists). Blank lines are skipped, a first line
    ``word<TAB>count`` (``--header``) too, a word listed twice adds up. A third field made of
    ASCII letters is the word's tag (the last one listed wins); other fields are ignored. Errors
    name the file and line."""
    path = str(path)
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file (background word list)")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory, not a background word list")
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{path}: line {lineno}: not UTF-8 text (expected 'word count' lines)") from None
            if lineno == 1:
                line = line.lstrip("\ufeff")
            fields = line.split()
            if not fields:
                continue
            if lineno == 1 and fields[:2] == ["word", "count"]:
                continue
            if len(fields) < 2:
                raise DataError(f"{path}: line {lineno}: expected 'word count', got {line.strip()[:40]!r}")
            try:
                count = int(fields[1])
            except ValueError:
                raise DataError(f"{path}: line {lineno}: count {fields[1][:20]!r} is not a whole number") from None
            if not 0 <= count < 2**62:
                raise DataError(f"{path}: line {lineno}: count {count} out of range (0 .. 2^62)")
            freq[fields[0]] = freq.get(fields[0], 0) + count
            if len(fields) > 2 and fields[2].isascii() and fields[2].isalpha():
                tags[fields[0]] = fields[2]
    if not freq or sum(freq.values()) <= 0:
        raise DataError(f"{path}: no words with a positive count (expected 'word count' lines)")
    return list(freq), list(freq.values()), tags


def _statistics(words: Sequence[str], freqs: Sequence[int], tags: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """The statistics of a word list (module docstring) as the arrays the cache keeps: ``meta``
    (mean length), ``free`` and ``ordinary`` (sorted code points), ``common`` (the common
    multi-character words), ``names`` and ``name_kind`` (the tagged proper nouns, sorted)."""
    f = np.asarray(freqs, dtype=np.float64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    mean_length = float((f * lengths).sum() / max(f.sum(), 1.0))
    # Common words: the most frequent ones, down to half of all the background's tokens.
    by_freq = np.lexsort((np.arange(len(words)), -f))
    cum = np.cumsum(f[by_freq])
    common_idx = by_freq[: int(np.searchsorted(cum, cum[-1] / 2.0)) + 1] if len(cum) else by_freq
    common = np.array(sorted(words[i] for i in common_idx.tolist() if lengths[i] > 1), dtype=str)
    single = lengths == 1
    cps_single = np.frombuffer("".join(w for w, s in zip(words, single.tolist()) if s).encode("utf-32-le", "surrogatepass"),
                               dtype=np.int32)
    alone = np.bincount(cps_single, weights=f[single], minlength=NCODEPOINTS)
    multi = ~single & (lengths > 1)
    text = "".join(w for w, m in zip(words, multi.tolist()) if m)
    cps_multi = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.int32)
    inside = np.bincount(cps_multi, weights=np.repeat(f[multi], lengths[multi]), minlength=NCODEPOINTS)
    # Common characters: the most frequent single-character words, down to half of all
    # single-character tokens (rare characters listed alone, e.g. name characters, are not).
    present = np.flatnonzero(alone > 0)
    order = present[np.lexsort((present, -alone[present]))]
    cum = np.cumsum(alone[order])
    chars = order[: int(np.searchsorted(cum, cum[-1] / 2.0)) + 1] if len(cum) else order
    free = np.sort(chars[alone[chars] >= inside[chars]]).astype(np.int32)
    names = sorted(w for w, t in (tags or {}).items() if t in PROPER_TAGS)
    kind = [PERSON if tags[w] in PERSON_TAGS else PROPER for w in names]
    return {"meta": np.array([mean_length]), "free": free, "ordinary": np.sort(chars).astype(np.int32),
            "common": common, "names": np.array(names, dtype=str), "name_kind": np.array(kind, dtype=np.int8)}


_STATISTICS = ("meta", "free", "ordinary", "common", "names", "name_kind")


def _with_statistics(trie: tuple, total: int, source: str, arrays: dict[str, np.ndarray]) -> Background:
    return Background(trie, total, float(arrays["meta"][0]), np.asarray(arrays["free"]), source,
                      frozenset(arrays["common"].tolist()), np.asarray(arrays["ordinary"]),
                      np.asarray(arrays["names"]), np.asarray(arrays["name_kind"]))


def compile_background(words: Sequence[str], freqs: Sequence[int], source: str = "",
                       tags: dict[str, str] | None = None) -> Background:
    """Compile a word list (with optional part-of-speech *tags*) into a :class:`Background`
    (no cache involved)."""
    trie, total = _compile_trie(words, freqs)
    return _with_statistics(trie, total, source, _statistics(words, freqs, tags))


def _compile_trie(words: Sequence[str], freqs: Sequence[int]) -> tuple[tuple, int]:
    """The trie (layout of :mod:`minent.words.kernels.dag`) and total frequency of a word list."""
    from minent.words.kernels import dag

    text = "".join(words)
    trie = dag.new_trie(1 + len(text))
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.int32).copy()
    nnodes = dag.build_main(trie, cps, offsets, np.asarray(freqs, dtype=np.int64))
    total = int(sum(freqs))
    nfreq = trie[3][:nnodes].copy()
    logtotal = math.log(total)
    uniq, inverse = np.unique(nfreq, return_inverse=True)
    logs = np.array([math.log(int(v)) - logtotal if v > 0 else 1.0 for v in uniq.tolist()])
    trie = (trie[0], trie[1], trie[2], nfreq, logs[inverse.ravel()], trie[5][:nnodes].copy(),
            trie[6][:nnodes].copy())
    return trie, total


# --------------------------------------------------------------------------- cache


def _hash_file(path: Path) -> str:
    """The cache key of a background compiled from *path*: its checksum (remembered between
    processes, :func:`minent.io.cache_entry.source_digest`) and the cache format."""
    from minent.cache import cache_dir

    checksum = source_digest(path, cache_dir() / SOURCE_MEMO)
    return hashlib.blake2b(f"{_FORMAT}\0{checksum}".encode(), digest_size=16).hexdigest()


def _cached(key: str, build: Callable[[], dict[str, np.ndarray]], names: Sequence[str]) -> dict[str, np.ndarray]:
    """The arrays of the entry ``background-<key>`` (:func:`minent.io.cache_entry.load_or_build`:
    checked against its manifest, rebuilt with a warning when damaged), built when absent."""
    from minent.cache import cache_dir

    entry = cache_dir() / f"background-{key}"
    arrays, loaded = load_or_build(entry, names, _FORMAT, build, "background")
    if not loaded:
        try:
            prune_entries(entry.parent, "background-", BACKGROUND_ENTRIES)
        except OSError:
            pass
    return arrays


_MEMO: dict[str, Background] = {}


def load_background(path: str | os.PathLike | None = None) -> Background:
    """The background model of *path* (``None``: jieba's dictionary), from the cache when the
    file's hash matches, compiled and cached otherwise; memoised in the process."""
    from minent.words.tokenizers import jieba_dict_path
    from minent.words.tokenizers.fast import load_dict

    if path is None:
        main = jieba_dict_path()
        key = _hash_file(main)
        if key in _MEMO:
            return _MEMO[key]
        # jieba's own dictionary: the tokenizer's compiled trie, and the statistics cached here
        arrays = _cached(key, lambda: _statistics(*read_background(main)), _STATISTICS)
        compiled = load_dict()
        bg = _with_statistics(compiled.trie, compiled.total, "jieba", arrays)
    else:
        p = Path(path)
        if not p.exists():
            raise UsageError(f"{p}: no such file (background word list)")
        if p.is_dir():
            raise UsageError(f"{p}: is a directory, not a background word list")
        key = _hash_file(p)
        if key in _MEMO:
            return _MEMO[key]

        def build():
            words, freqs, tags = read_background(p)
            arrays = _statistics(words, freqs, tags)
            b = _compile_trie(words, freqs)
            arrays.update(zip(_TRIE, b[0]), total=np.array([b[1]], dtype=np.int64))
            return arrays

        arrays = _cached(key, build, _TRIE + _STATISTICS + ("total",))
        bg = _with_statistics(tuple(arrays[name] for name in _TRIE), int(arrays["total"][0]), str(p), arrays)
    _MEMO[key] = bg
    return bg
