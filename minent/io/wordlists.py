"""Word lists: one rule for every option that reads one (``--known``, ``score --words``,
``dim --vocab``, the jieba dictionary behind ``--exclude-known``).

A word list is a UTF-8 text file (a BOM, CRLF line ends, gzip/bzip2/xz and a UTF-16/32
byte-order mark are fine; ``-`` is standard input) whose words are the first whitespace-separated
field of each non-blank line. So plain lists (``word``), jieba dictionaries (``word freq tag``),
``minent count`` tables (``word<TAB>count``) and SIGHAN training word lists all read the same way.
"""

from __future__ import annotations

import os

from minent.errors import UsageError
from minent.io.corpus import read_lines


def read_words(path: str | os.PathLike) -> set[str]:
    """The distinct words of the word list *path* (see the module docstring).

    A missing file or a directory is a :class:`UsageError` (a directory is never read
    recursively as a corpus would be: a stray README or model in it would add words).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "words.txt"
    >>> _ = p.write_text("\\ufeff北京 5 ns\\n上海\\t3\\n\\n北京\\n", encoding="utf-8")
    >>> sorted(read_words(p))
    ['上海', '北京']
    """
    name = os.fspath(path)
    if name != "-":
        if os.path.isdir(name):
            raise UsageError(f"{name}: is a directory, not a word list")
        if not os.path.exists(name):
            raise UsageError(f"{name}: no such file (a word list)")
    words: set[str] = set()
    for _, line in read_lines(name):
        field = line.split(maxsplit=1)
        if field:
            words.add(field[0])
    return words
