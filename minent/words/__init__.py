"""Words of a corpus: jieba-exact tokenizers (:mod:`~minent.words.tokenizers`), streamed tokens
(:mod:`~minent.words.tokenize`), word-frequency tables (:mod:`~minent.words.count`,
:mod:`~minent.words.table`), exact n-gram counts (:mod:`~minent.words.ngrams`) and new-word
discovery (:mod:`~minent.words.newwords`). Numba kernels live in :mod:`minent.words.kernels`.
"""
