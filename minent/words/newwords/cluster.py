"""``minent newwords`` on a Dask cluster: the corpus is read and encoded on the workers and stays
there between passes (:class:`minent.parallel.dask.RemoteChunks`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from minent.errors import UsageError
from minent.io.corpus import Corpus
from minent.parallel.dask import RemoteChunks, gather_all, hold_on_cluster, wait_all
from minent.text.vocab import CharVocab, Folder
from minent.words.ngrams import iter_id_chunks


def encode_texts(texts: Iterable[str], chunk_chars: int) -> tuple:
    """Map step of ``minent newwords``: id chunks of *texts* under a vocabulary of their own,
    ``(codepoints of that vocabulary, [id chunks])``; :func:`cluster_chunks` relabels them."""
    vocab = CharVocab()
    chunks = list(iter_id_chunks(texts, vocab, chunk_chars=chunk_chars))
    return vocab.codepoints, chunks


def _vocabulary_of(part) -> tuple:
    (codepoints, _), encodings = part
    return codepoints, encodings


def _relabel(part, mapping: np.ndarray) -> list:
    """The chunks of one encoded partition in the shared ids (*mapping*: local id -> shared id)."""
    (_, chunks), _ = part
    return [mapping[ids] for ids in chunks]


def cluster_chunks(
    corpus: Corpus,
    scheduler: str,
    *,
    jobs: int | None = None,
    chunk_chars: int = 2_000_000,
    partition_bytes: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RemoteChunks:
    """Read and encode *corpus* on the cluster at *scheduler*; the chunks stay on the workers.

    Each task encodes its partition under a vocabulary of its own (one read of the corpus); the
    client unites the vocabularies (a few thousand characters), folds them as ``newwords`` does
    (full-width letters to ASCII, digits to separators) and every partition is relabelled on its
    worker into the shared ids. The result is what the local spill holds, up to the numbering of
    the characters, which no output depends on.
    """
    if not isinstance(corpus, Corpus):
        raise UsageError("`scheduler` needs a Corpus of files or standard input")

    def relabel(client, parts, stack) -> RemoteChunks:
        local = gather_all(client, [client.submit(_vocabulary_of, p, pure=False) for p in parts], "vocabularies")
        chars = dict.fromkeys(chr(c) for cps, _ in local for c in cps.tolist() if c >= 0)
        vocab = CharVocab(chars)
        fold = Folder(vocab)
        fold(np.arange(len(vocab), dtype=np.int32))  # adds the ASCII forms of full-width letters
        mappings = []
        for cps, encodings in local:
            corpus.chosen_encodings.update(encodings)
            shared = np.array([vocab.id(chr(c)) if c >= 0 else i for i, c in enumerate(cps.tolist())], dtype=np.int32)
            mappings.append(fold.table[shared])
        chunks = [client.submit(_relabel, p, m, pure=False) for p, m in zip(parts, mappings)]
        wait_all(client, chunks, "relabelling")
        parts.clear()  # the locally numbered chunks are released on the workers
        return RemoteChunks(client, chunks, vocab, stack)

    return hold_on_cluster(corpus, scheduler, encode_texts, (chunk_chars,), relabel, jobs=jobs,
                           partition_bytes=partition_bytes, batch_chars=chunk_chars, progress=progress)
