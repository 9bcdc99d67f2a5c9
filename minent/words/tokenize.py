"""jieba's tokens of a corpus, streamed (``minent tokenize``), and :func:`cut` for one text.

>>> cut("我来到北京清华大学")
['我', '来到', '北京', '清华大学']
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from minent.errors import UsageError
from minent.text.batching import Fragment
from minent.words.tokenizers.fast import Tokenizer


def cut(text: str, *, hmm: bool = True, mode: str = "default") -> list[str]:
    """Convenience: ``Tokenizer(hmm=hmm, mode=mode).cut(text)`` with jieba's default dictionary."""
    return _default_tokenizer(hmm, mode).cut(text)


@lru_cache(maxsize=6)
def _default_tokenizer(hmm: bool, mode: str) -> Tokenizer:
    return Tokenizer(hmm=hmm, mode=mode)


def tokenize_corpus(corpus, *, tokenizer: str = "fast", hmm: bool = True, mode: str = "default",
                    dict_path: str | Path | None = None, user_dict: str | Path | None = None,
                    sep: str = " ", batch_chars: int = 1 << 18, progress=None) -> Iterator[str]:
    """Stream the tokens of every document of ``corpus`` (a ``minent.io.corpus.Corpus``).

    Yields chunks of text: for each document, its tokens joined by ``sep`` and a newline, so the
    output has one line per input line (jieba's own tokens are kept, spaces included: ``"a b"``
    gives ``a   b`` with the default separator). ``tokenizer`` is a backend name of
    ``minent.words.tokenizers.TOKENIZERS`` (``fast``: :mod:`minent.words.tokenizers.fast`; ``jieba``: jieba's own code, same
    output). Memory is bounded by one batch of about ``batch_chars`` characters: a longer line
    is tokenised in pieces of at most ``batch_chars`` characters, cut where jieba's tokens cannot
    change (the tokenizer's ``cut_rule()``: :func:`minent.words.tokenizers.jieba_cuts`), and
    written as one line; only a line with ``batch_chars`` characters in a row and no such place
    (a warning says so) is cut anyway.

    >>> from minent.io.corpus import Corpus                      # doctest: +SKIP
    >>> "".join(tokenize_corpus(Corpus(["poem.txt"])))          # doctest: +SKIP
    '床前 明月光 ， 疑是 地上 霜 。\\n'
    """
    from minent.words.tokenizers import cut_rule, make_tokenizer

    # Not a generator itself: a bad option or dictionary fails here, before any input is read.
    if len(sep) != 1:
        raise UsageError("the token separator `sep` must be exactly one character")
    tk = make_tokenizer(tokenizer, hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)
    return _tokenize_batches(tk, corpus, sep, batch_chars, progress, cut_rule(tk))


def _tokenize_batches(tk, corpus, sep: str, batch_chars: int, progress, cut) -> Iterator[str]:
    joined = [False]  # the line being written continues a Fragment: its next token needs `sep`
    for batch in corpus.batches(max_chars=batch_chars, progress=progress, flush_on_stall=True, cut=cut):
        yield "".join(_tokenize_runs(tk, batch, sep, joined))


def _tokenize_runs(tk, batch: list[str], sep: str, joined: list[bool]) -> Iterator[str]:
    """The output of *batch*: each run of whole lines tokenised in one call, and each piece of a
    long line (a Fragment) written without its newline, the next piece joined to it by *sep*."""
    start = 0
    for i in range(len(batch) + 1):
        if i < len(batch) and not isinstance(batch[i], Fragment):
            continue
        run = batch[start:i + 1]
        if run:
            if joined[0] and run[0]:
                yield sep
            out = _tokenize_lines(tk, run, sep)
            if i < len(batch):  # the run ends with a Fragment: its line goes on
                out = out[:-1]
            joined[0] = i < len(batch)
            yield out
        start = i + 1


def _tokenize_lines(tk, docs: list[str], sep: str) -> str:
    if hasattr(tk, "tokenize_lines"):
        return tk.tokenize_lines(docs, sep)
    return "".join(sep.join(tk.cut(doc)) + "\n" for doc in docs)
