"""Reading graphs: edge lists and Pajek ``.net`` files -> integer edge arrays + node names.

Edge list (the default)::

    # comment
    source target [weight]

Fields are separated by spaces or tabs; node names are arbitrary strings without blanks
(words, URLs) or integers. Weights must be positive finite decimals (default 1). If every
name is a non-negative integer the nodes keep those integers as ids (and are ordered by
them, like Infomap's link-list reader); otherwise nodes are numbered 1, 2, ... in order of
first appearance. Pajek files (``*Vertices N`` with optional ``"labels"``, then ``*Edges``
or ``*Arcs``) keep their vertex ids, labels and isolated vertices.

Parsing is done by numba kernels over the raw bytes (:mod:`minent.io.kernels`), so a
10M-edge file loads in seconds. Any malformed row raises :class:`~minent.errors.DataError`
naming the file and the line. Duplicate edges are kept here and summed by the flow step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.sources import read_input


@dataclass
class Graph:
    """A graph as parallel edge arrays over dense node indices ``0..n_nodes-1``.

    ``names[i]`` is the node's name (a label for Pajek, the token otherwise) and ``ids[i]``
    its integer id in the reference's output formats (.clu/.tree).
    """

    names: list[str]
    ids: np.ndarray      # int64 [n_nodes]
    src: np.ndarray      # int64 [n_edges]
    dst: np.ndarray      # int64 [n_edges]
    weight: np.ndarray   # float64 [n_edges]
    directed: bool = False

    @property
    def n_nodes(self) -> int:
        return len(self.names)

    @property
    def n_edges(self) -> int:
        return int(self.src.shape[0])


_MESSAGES = {
    1: "expected 'source target [weight]'",
    2: "weight is not a number",
    3: "weight must be a positive finite number",
}


def _line_of(buf: np.ndarray, offset: int) -> int:
    return int(np.count_nonzero(buf[:offset] == 10)) + 1


def _line_text(buf: np.ndarray, offset: int) -> str:
    end = offset
    while end < buf.shape[0] and buf[end] != 10 and end - offset < 60:
        end += 1
    return buf[offset:end].tobytes().decode("utf-8", "replace").rstrip("\r")


def _decode(raw: bytes, label: str, buf: np.ndarray, offset: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{label}:{_line_of(buf, offset)}: node name is not valid UTF-8") from None


def _scan(buf: np.ndarray, label: str, line_base: int = 0):
    from minent.io.kernels import scan_edges

    n, start, length, hashes, weight, inexact, err, off = scan_edges(buf, 1.0)
    if err:
        line = _line_of(buf, off) + line_base
        raise DataError(f"{label}:{line}: {_MESSAGES[err]}: {_line_text(buf, off)!r}")
    for row, ws, we in inexact.tolist():
        w = float(buf[ws:we].tobytes())   # syntax already checked by the kernel
        if not (0.0 < w < float("inf")):
            line_start = int(buf[:ws].tobytes().rfind(b"\n")) + 1
            line = _line_of(buf, ws) + line_base
            raise DataError(f"{label}:{line}: {_MESSAGES[3]}: {_line_text(buf, line_start)!r}")
        weight[row] = w
    return start[: 2 * n], length[: 2 * n], hashes[: 2 * n], weight[:n]


def parse_edge_list(data: bytes, *, label: str = "<graph>", directed: bool = False) -> Graph:
    """Parse the bytes of an edge list (see module docstring) into a :class:`Graph`."""
    from minent.io.kernels import (
        dense_ids,
        rank_integers,
        tokens_as_integers,
        tokens_match_representatives,
    )

    buf = np.frombuffer(data, dtype=np.uint8)
    if buf[:3].tobytes() == b"\xef\xbb\xbf":
        buf = buf[3:]
    start, length, hashes, weight = _scan(buf, label)
    as_int, values = tokens_as_integers(buf, start, length)
    if as_int:
        # integer names keep their numeric order, as in Infomap's link-list reader; small ids
        # (the usual 0..n-1 or 1..n) are ranked by a direct table, others by hashing + sorting
        fits, src, dst, uniq = rank_integers(values, values.shape[0] + 1024)
        if fits:
            return Graph([str(v) for v in uniq.tolist()], uniq, src, dst, weight.copy(), directed)
        first_ids, first = dense_ids(values)
        uniq = values[first]
        order = np.argsort(uniq, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.shape[0])
        node = rank[first_ids]
        ids = uniq[order].astype(np.int64)
        names = [str(v) for v in ids.tolist()]
    else:
        node, first = dense_ids(hashes)
        if not tokens_match_representatives(buf, start, length, node, first):
            return _parse_edge_list_slow(buf, start, length, weight, label, directed)
        names = [
            _decode(buf[s : s + ln].tobytes(), label, buf, s)
            for s, ln in zip(start[first].tolist(), length[first].tolist())
        ]
        ids = np.arange(1, len(names) + 1, dtype=np.int64)
    return Graph(names, ids, node[0::2].copy(), node[1::2].copy(), weight.copy(), directed)


def _parse_edge_list_slow(buf, start, length, weight, label, directed) -> Graph:
    """Dictionary-based fallback, used only if two different names share a 64-bit hash."""
    index: dict[bytes, int] = {}
    names: list[str] = []
    node = np.empty(start.shape[0], np.int64)
    for k, (s, ln) in enumerate(zip(start.tolist(), length.tolist())):
        raw = buf[s : s + ln].tobytes()
        i = index.get(raw)
        if i is None:
            i = index[raw] = len(names)
            names.append(_decode(raw, label, buf, s))
        node[k] = i
    ids = np.arange(1, len(names) + 1, dtype=np.int64)
    return Graph(names, ids, node[0::2].copy(), node[1::2].copy(), weight.copy(), directed)


def _pajek_vertex(line: str, label: str, lineno: int) -> tuple[int, str]:
    parts = line.split(None, 1)
    try:
        vid = int(parts[0])
    except ValueError:
        raise DataError(f"{label}:{lineno}: expected a vertex id, got {parts[0]!r}") from None
    if vid < 1:
        raise DataError(f"{label}:{lineno}: vertex ids start at 1, got {vid}")
    rest = parts[1].strip() if len(parts) > 1 else ""
    if rest.startswith('"'):
        end = rest.find('"', 1)
        if end < 0:
            raise DataError(f"{label}:{lineno}: unterminated vertex label")
        name = rest[1:end]
    elif rest:
        name = rest.split()[0]
    else:
        name = str(vid)
    return vid, name


#: Vertex ids are 32-bit in Infomap's formats; more vertices than that is a typo, and would
#: otherwise allocate a name for each before any check.
MAX_PAJEK_VERTICES = 2**31 - 1


def parse_pajek(data: bytes, *, label: str = "<graph>", directed: bool = False) -> Graph:
    """Parse a Pajek ``.net`` file: ``*Vertices``, then ``*Edges``/``*Arcs`` sections.

    Edge/arc lines are parsed by the same vectorised kernel as edge lists; all of them must
    refer to declared vertex ids. Whether links are directed is decided by ``directed`` (as in
    Infomap, where the flow model, not the section name, decides).
    """
    text_start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    buf = np.frombuffer(data, dtype=np.uint8)[text_start:]
    # locate section headers (lines starting with '*') without splitting the whole file
    starts = np.flatnonzero(buf == 42)
    headers = []
    for pos in starts.tolist():
        if pos == 0 or buf[pos - 1] == 10:
            end = pos
            while end < buf.shape[0] and buf[end] != 10:
                end += 1
            headers.append((pos, end, buf[pos:end].tobytes().decode("utf-8", "replace").strip()))
    n_vertices = 0
    seen_vertices = False
    names: dict[int, str] = {}
    src_parts, dst_parts, w_parts = [], [], []
    for k, (pos, end, head) in enumerate(headers):
        section_end = headers[k + 1][0] if k + 1 < len(headers) else buf.shape[0]
        body = buf[min(end + 1, section_end) : section_end]
        line_base = _line_of(buf, end + 1) - 1
        keyword = head.split()[0].lower()
        if keyword == "*vertices":
            if seen_vertices:  # it would silently renumber the vertices of the links read so far
                raise DataError(f"{label}:{line_base}: a second *Vertices section")
            seen_vertices = True
            try:
                n_vertices = int(head.split()[1])
            except (IndexError, ValueError):
                raise DataError(f"{label}:{line_base}: expected '*Vertices N'") from None
            if not 0 <= n_vertices <= MAX_PAJEK_VERTICES:  # a typo would allocate them all
                raise DataError(f"{label}:{line_base}: *Vertices {n_vertices} is not in 0..{MAX_PAJEK_VERTICES}")
            for i, raw in enumerate(body.tobytes().split(b"\n")):
                line = raw.decode("utf-8", "strict").strip()
                if not line or line[0] in "#%":
                    continue
                vid, name = _pajek_vertex(line, label, line_base + i + 1)
                if vid > n_vertices:
                    raise DataError(f"{label}:{line_base + i + 1}: vertex {vid} > {n_vertices}")
                names[vid] = name
        elif keyword in ("*edges", "*arcs", "*links"):
            from minent.io.kernels import tokens_as_integers

            start, length, _, weight = _scan(body, label, line_base)
            ok, values = tokens_as_integers(body, start, length)
            if not ok or (values.size and (values.min() < 1 or values.max() > n_vertices)):
                bad = 0
                if ok:
                    bad = int(np.flatnonzero((values < 1) | (values > n_vertices))[0])
                else:
                    for j in range(start.shape[0]):
                        tok = body[start[j] : start[j] + length[j]].tobytes()
                        if not tok.isdigit() or not 1 <= int(tok) <= n_vertices:
                            bad = j
                            break
                line = _line_of(body, int(start[bad])) + line_base
                raise DataError(f"{label}:{line}: link refers to an undeclared vertex")
            src_parts.append(values[0::2] - 1)
            dst_parts.append(values[1::2] - 1)
            w_parts.append(weight)
        else:
            raise DataError(f"{label}:{line_base}: unsupported Pajek section {head.split()[0]!r}")
    if not headers:
        raise DataError(f"{label}:1: not a Pajek file (no *Vertices line)")
    cat = lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.empty(0, dt)  # noqa: E731
    return Graph(
        [names.get(i, str(i)) for i in range(1, n_vertices + 1)],
        np.arange(1, n_vertices + 1, dtype=np.int64),
        cat(src_parts, np.int64),
        cat(dst_parts, np.int64),
        cat(w_parts, np.float64),
        directed,
    )


def _looks_like_pajek(data: bytes) -> bool:
    for raw in data[:65536].split(b"\n"):
        line = raw.strip()
        if not line or line[:1] in (b"#", b"%"):
            continue
        return line[:9].lower() == b"*vertices"
    return False


def read_graph(path, *, directed: bool = False, fmt: str = "auto") -> Graph:
    """Read an edge list or a Pajek file (``fmt`` "auto", "edges" or "pajek"); ``-`` = stdin.

    >>> g = parse_edge_list(b"a b 2\\nb c\\n")
    >>> g.names, g.src.tolist(), g.dst.tolist(), g.weight.tolist()
    (['a', 'b', 'c'], [0, 1], [1, 2], [2.0, 1.0])
    """
    if fmt not in ("auto", "edges", "pajek"):
        raise UsageError(f"unknown graph format {fmt!r} (choose auto, edges or pajek)")
    label = "<stdin>" if path is None or str(path) == "-" else str(path)
    data, _ = read_input("-" if path is None else path)
    if fmt == "pajek" or (fmt == "auto" and _looks_like_pajek(data)):
        try:
            return parse_pajek(data, label=label, directed=directed)
        except UnicodeDecodeError:
            raise DataError(f"{label}: Pajek file is not valid UTF-8") from None
    return parse_edge_list(data, label=label, directed=directed)
