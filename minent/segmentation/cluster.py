"""Training on a Dask cluster (``minent lexicon --scheduler``, ``minent segment --train ... --scheduler``).

The corpus is read and turned into units on the workers, by byte ranges
(:func:`minent.parallel.dask.map_reduce`), and stays there as id chunks between passes
(:class:`minent.parallel.dask.RemoteChunks`). :class:`RemoteEncoded` stands for the local
:class:`minent.segmentation.lexicon.EncodedCorpus`, so the training code is the same:

* n-gram counting: every chunk is counted where it lives and the tables are merged tree-wise on
  the workers (:meth:`minent.words.ngrams.NgramTable.from_id_chunks`);
* each re-estimation pass ships the lexicon's segmenter to every worker once, segments and
  counts every chunk there, and merges the word counts tree-wise; one count table comes back;
* the client keeps what is small (the lexicon, the character LM's tables) and runs the
  self-training of the boundary model, whose stochastic gradient descent goes through the
  corpus in order (the units come back to the client for it: 4 bytes per character).

The model is byte for byte the local one. Character ids are numbered as the local encoder
numbers them (the characters new in each batch of about 4M characters, by code point), from what
every partition reports: the length of each of its documents and the first document of each of
its characters. Counts are integers, merged in any order.
"""

from __future__ import annotations

import numpy as np

from minent.errors import UsageError
from minent.io.corpus import Corpus
from minent.io.sources import is_stream
from minent.parallel.dask import RemoteChunks, cluster_client, gather_all, hold_on_cluster, map_reduce, wait_all
from minent.segmentation.units import CHUNK_UNITS, ENCODE_BATCH_CHARS, cut_slices, units
from minent.text.batching import batched
from minent.text.chars import to_codepoints


def encode_part(texts, pre_split: bool) -> tuple:
    """Map step: the units of a partition's documents (int32 code points, -1 between pieces, runs
    of separators as one), the length + 1 of every document, and each unit code point with the
    index of the first document it occurs in."""
    parts, sizes, first_cp, first_doc = [], [], [], []
    seen = np.zeros(0, dtype=np.int32)
    n_docs = 0
    for batch in batched(texts, ENCODE_BATCH_CHARS):
        lens = np.fromiter((len(t) + 1 for t in batch), dtype=np.int64, count=len(batch))
        cps = to_codepoints("\n".join(batch) + "\n")
        ucp, keep, _ = units(cps, pre_split)
        doc_of = np.searchsorted(np.cumsum(lens), np.flatnonzero(keep), side="right")
        seg = ucp >= 0
        cand, first = np.unique(ucp[seg], return_index=True)
        new = ~np.isin(cand, seen)
        first_cp.append(cand[new])
        first_doc.append(doc_of[np.flatnonzero(seg)[first[new]]] + n_docs)
        seen = np.union1d(seen, cand)
        keep_u = np.ones(len(ucp), dtype=bool)
        keep_u[1:] = seg[1:] | seg[:-1]
        if len(ucp) and not seg[0] and parts and len(parts[-1]) and parts[-1][-1] < 0:
            keep_u[0] = False
        parts.append(ucp[keep_u].astype(np.int32))
        sizes.append(lens)
        n_docs += len(batch)
    units_ = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    cat = (lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dtype=dt))
    return units_, cat(sizes, np.int64), cat(first_cp, np.int32), cat(first_doc, np.int64)


def _summary(part):
    (_, sizes, first_cp, first_doc), encodings = part
    return sizes, first_cp, first_doc, encodings


def _id_chunks(part, lut: np.ndarray, drop_leading_separator: bool, size: int = CHUNK_UNITS) -> list:
    """Relabel step: a partition's units as id chunks in the shared numbering (*lut*: code point
    → id), cut after separators into chunks of about CHUNK_UNITS."""
    (ucp, _, _, _), _ = part
    if drop_leading_separator and len(ucp) and ucp[0] < 0:
        ucp = ucp[1:]
    ids = np.where(ucp >= 0, lut[np.maximum(ucp, 0)], 0).astype(np.int32)
    return [ids[a:b] for a, b in cut_slices(np.flatnonzero(ids == 0), len(ids), size)]


def batch_of_documents(sizes: np.ndarray, batch_chars: int) -> np.ndarray:
    """The batch (:func:`minent.text.batching.batched` with *batch_chars*) of every document, from
    the documents' lengths + 1, in corpus order."""
    out = np.empty(len(sizes), dtype=np.int64)
    cum = np.cumsum(sizes)
    start, base, b = 0, 0, 0
    while start < len(sizes):
        end = min(int(np.searchsorted(cum, base + batch_chars, side="left")) + 1, len(sizes))
        out[start:end] = b
        base, start, b = int(cum[end - 1]), end, b + 1
    return out


def numbering(summaries: list, batch_chars: int = ENCODE_BATCH_CHARS) -> np.ndarray:
    """The code points of ids 2, 3, ... as :func:`minent.segmentation.lexicon.encode_corpus` numbers
    them (batches of *batch_chars*): by the batch where a character first occurs, then by code
    point. *summaries*: per partition, in corpus order, the documents' lengths + 1, the code points
    and the index of their first document (:func:`encode_part`)."""
    sizes = [s[0] for s in summaries]
    offsets = np.cumsum([0] + [len(s) for s in sizes])
    batch = batch_of_documents(np.concatenate(sizes) if sizes else np.zeros(0, np.int64), batch_chars)
    cps = np.concatenate([s[1] for s in summaries] + [np.zeros(0, np.int32)])
    docs = np.concatenate([s[2] + off for s, off in zip(summaries, offsets)] + [np.zeros(0, np.int64)])
    order = np.lexsort((docs, cps))  # each code point's first document first
    cps, docs = cps[order], docs[order]
    first = np.ones(len(cps), dtype=bool)
    first[1:] = cps[1:] != cps[:-1]
    cps, docs = cps[first], docs[first]
    return cps[np.lexsort((cps, batch[docs]))].astype(np.int64)


def _bincount(ids: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(ids, minlength=n)


def _add(a, b):
    return a + b


class RemoteEncoded:
    """An encoded corpus held by Dask workers, with the methods of
    :class:`minent.segmentation.lexicon.EncodedCorpus` that training uses. :meth:`close` ends the
    cluster (a local one) and frees the workers' memory."""

    def __init__(self, chunks: RemoteChunks, codepoints: np.ndarray):
        self._chunks = chunks
        self.chars = ["", ""] + [chr(c) for c in codepoints.tolist()]
        self._counts = None

    @property
    def codepoints(self) -> np.ndarray:
        return np.array([-1, -1] + [ord(c) for c in self.chars[2:]], dtype=np.int64)

    def char_counts(self) -> np.ndarray:
        if self._counts is None:
            import functools

            parts = self._chunks.map_chunks(functools.partial(_bincount, n=len(self.chars)), _add)
            self._counts = parts[0] if parts else np.zeros(len(self.chars), dtype=np.int64)
        return self._counts

    @property
    def n_chars(self) -> int:
        return int(self.char_counts()[1:].sum())

    def id_chunks(self) -> RemoteChunks:
        return self._chunks

    def map_chunks(self, fn, reduce=None) -> list:
        return self._chunks.map_chunks(fn, reduce)

    def units(self) -> np.ndarray:
        """The units of the whole corpus, brought to the client (see ``EncodedCorpus.units``)."""
        cps = self.codepoints.astype(np.int32)
        ucp = np.empty(sum(self._chunks.map_chunks(len)), dtype=np.int32)
        at = 0
        for ids in self._chunks:  # fetched one partition at a time
            ucp[at:at + len(ids)] = cps[ids]
            at += len(ids)
        return ucp

    def close(self) -> None:
        self._chunks.close()


def encode_on_cluster(corpus: Corpus, scheduler: str, *, pre_split: bool, jobs: int | None = None,
                      partition_bytes: int | None = None, progress=None) -> RemoteEncoded:
    """Read and encode *corpus* on the cluster at *scheduler* (``"local"``: *jobs* worker
    processes here); the id chunks stay on the workers (see the module docstring)."""
    from minent.text.vocab import CharVocab

    if not isinstance(corpus, Corpus):
        raise UsageError("`scheduler` needs a Corpus of files or standard input")
    _stdin_last(corpus)

    def number(client, parts, stack) -> RemoteEncoded:
        summaries = gather_all(client, [client.submit(_summary, p, pure=False) for p in parts], "documents")
        for s in summaries:
            corpus.chosen_encodings.update(s[3])
        cps = numbering(summaries)
        lut = np.zeros(0x110000, dtype=np.int32)
        lut[cps] = np.arange(2, 2 + len(cps), dtype=np.int32)
        shipped = client.scatter(lut, broadcast=True, hash=False)
        nonempty = [len(s[0]) > 0 for s in summaries]
        first = nonempty.index(True) if any(nonempty) else 0
        chunks = [client.submit(_id_chunks, p, shipped, i > first, pure=False) for i, p in enumerate(parts)]
        wait_all(client, chunks, "relabelling")
        parts.clear()  # the units are released on the workers
        return RemoteEncoded(RemoteChunks(client, chunks, CharVocab(chr(c) for c in cps.tolist()), stack), cps)

    return hold_on_cluster(corpus, scheduler, encode_part, (pre_split,), number, jobs=jobs,
                           partition_bytes=partition_bytes, batch_chars=ENCODE_BATCH_CHARS, progress=progress)


def _segment_part(texts, segmenter) -> str:
    """Map step of segmenting: the segmented lines of a partition, each followed by a newline."""
    return "".join(line + "\n" for line in segmenter.segment_lines(texts))


def segment_on_cluster(segmenter, corpus: Corpus, scheduler: str, *, jobs: int | None = None,
                       partition_bytes: int | None = None, progress=None):
    """Segment *corpus* on the cluster at *scheduler* with *segmenter* (shipped once to every
    worker); yields the output lines, in input order: what ``segmenter.segment_lines`` yields
    here. The partitions' outputs wait on the workers until all are done, then come to the client
    one at a time, in order (the client holds one partition's output at a time)."""
    if not isinstance(corpus, Corpus):
        raise UsageError("`scheduler` needs a Corpus of files or standard input")
    _stdin_last(corpus)
    with cluster_client(scheduler, jobs) as client:
        segmenter.prepare()  # tables built once here, shipped with the model
        shipped = client.scatter(segmenter, broadcast=True, hash=False)
        parts = map_reduce(client, corpus, _segment_part, (shipped,), None, None,
                           partition_bytes=partition_bytes, progress=progress)
        for i, fut in enumerate(parts):
            text, encodings = gather_all(client, [fut], "segmenting")[0]
            corpus.chosen_encodings.update(encodings)
            parts[i] = fut = None  # the worker frees that output
            yield from text[:-1].split("\n") if text else ()


def _stdin_last(corpus: Corpus) -> None:
    streams = [i for i, p in enumerate(corpus.paths) if is_stream(p)]
    if streams and streams != list(range(len(corpus.paths) - len(streams), len(corpus.paths))):
        # the cluster reads the files first and standard input last: the local order must agree
        raise UsageError("with `scheduler`, standard input must come after the files")
