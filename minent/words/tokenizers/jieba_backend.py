"""jieba's own segmenter as a tokenizer backend (``--tokenizer jieba``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from minent.errors import DataError


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
        if not self._tk.total > 0:  # jieba would fail later with "math domain error" in log(total)
            what = "has no entries" if not self._tk.FREQ else f"has frequencies summing to {self._tk.total}"
            raise DataError(f"{dict_path}: the dictionary {what} (expected 'word freq [tag]' lines)")
        if user_dict is not None:
            try:
                self._tk.load_userdict(str(user_dict))
            except Exception as e:
                raise DataError(f"{user_dict}: not a jieba user dictionary ({e})") from None

    def cut_rule(self):
        """Where a long line may be cut without changing the tokens
        (:func:`minent.words.tokenizers.jieba_cuts`)."""
        from minent.words.tokenizers import jieba_cuts

        return jieba_cuts(self.mode)

    def cut(self, text: str) -> Iterable[str]:
        if self.mode == "search":
            return self._tk.cut_for_search(text, HMM=self.hmm)
        if self.mode == "all":
            return self._tk.cut(text, cut_all=True)
        return self._tk.cut(text, HMM=self.hmm)
