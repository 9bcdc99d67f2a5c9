"""Reading graphs: edge lists and Pajek ``.net`` files -> integer edge arrays + node names.

Edge list (the default)::

    # comment
    source target [weight]

Fields are separated by spaces or tabs; node names are arbitrary strings without blanks
(words, URLs) or integers. Weights must be positive finite decimals (default 1). If every
name is a non-negative integer the nodes keep those integers as ids (and are ordered by
them, like Infomap's link-list reader); otherwise nodes are numbered 1, 2, ... in order of
first appearance. Pajek files are read in the dialect of mapequation's Infomap (see
:func:`parse_pajek`: optional ``*Vertices`` with or without a count, ids from 0, names with
inner quotes, ``*Edges``/``*Arcs``/``*Links``, ``*Bipartite N``) and keep their vertex ids,
names and isolated vertices. UTF-16/UTF-32 files with a byte-order mark are read as such.

Parsing is done by numba kernels over the raw bytes (:mod:`minent.io.kernels`), so a
10M-edge file loads in seconds. Any malformed row raises :class:`~minent.errors.DataError`
naming the file and the line. Duplicate edges are kept here and summed by the flow step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    #: ``*Bipartite N`` files: nodes with ids >= N are feature nodes (Infomap's bipartite flow)
    bipartite_start: int | None = field(default=None, kw_only=True)

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
    """``id ["name"|name] [weight]`` -> (id, name), as Infomap reads it: the name runs from the
    first double quote to the last one (inner quotes belong to it); unquoted, it is the next
    field; missing, the id itself. A vertex weight after the name is allowed and not used."""
    parts = line.split(None, 1)
    if not (parts[0].isascii() and parts[0].isdigit()) or int(parts[0]) > MAX_PAJEK_ID:
        raise DataError(f"{label}:{lineno}: expected a vertex id (an integer in 0..{MAX_PAJEK_ID}), "
                        f"got {parts[0]!r}")
    vid = int(parts[0])
    rest = parts[1].strip() if len(parts) > 1 else ""
    first, last = rest.find('"'), rest.rfind('"')
    if 0 <= first < last:
        name = rest[first + 1 : last]
    elif first >= 0:
        raise DataError(f"{label}:{lineno}: unterminated vertex name (one double quote)")
    elif rest:
        name = rest.split()[0]
    else:
        name = str(vid)
    return vid, name


#: Vertex ids are unsigned 32-bit integers in Infomap's formats.
MAX_PAJEK_ID = 2**32 - 1
#: Kept for callers of the former name: the largest *Vertices count accepted.
MAX_PAJEK_VERTICES = MAX_PAJEK_ID

#: section headings of Infomap's formats that minent does not read (yet): refused by name
_UNSUPPORTED_SECTIONS = {
    "*states": "a state network (*States) is not a graph: read it with "
               "minent.graph.infomap.memory (minent infomap: from a file, or --input-format states)",
    "*multilayer": "multilayer networks (*Multilayer) are not supported by minent infomap",
    "*multiplex": "multilayer networks (*Multiplex) are not supported by minent infomap",
    "*intra": "multilayer networks (*Intra) are not supported by minent infomap",
    "*inter": "multilayer networks (*Inter) are not supported by minent infomap",
    "*paths": "path data (*Paths) is not supported by minent infomap",
}


def parse_pajek(data: bytes, *, label: str = "<graph>", directed: bool = False) -> Graph:
    """Parse a Pajek ``.net`` file in the dialect of mapequation's Infomap.

    Sections start with a line beginning with ``*``: ``*Vertices [N]`` (``id "name"`` lines;
    the count is optional and not a limit), ``*Edges`` / ``*Arcs`` / ``*Links`` (``source
    target [weight]``), ``*Bipartite N`` (links between primary nodes, ids below N, and
    feature nodes, ids N and up; see :attr:`Graph.bipartite_start`). Links may come with or
    without a ``*Vertices`` section, before or after it; lines starting with ``#`` or ``%``
    are comments anywhere. Ids are any non-negative integers: the nodes are the declared
    vertices and every link end, ordered by id, and keep their ids (names default to the id).
    ``*Contexts`` is skipped as Infomap does; state and multilayer sections are refused.
    Whether links are directed is decided by ``directed`` (as in Infomap, where the flow
    model, not the section name, decides).
    """
    from minent.io.kernels import tokens_as_integers

    buf = np.frombuffer(data, dtype=np.uint8)
    # locate section headers (lines starting with '*') without splitting the whole file
    headers = []
    for pos in np.flatnonzero(buf == 42).tolist():
        if pos == 0 or buf[pos - 1] == 10:
            end = pos
            while end < buf.shape[0] and buf[end] != 10:
                end += 1
            headers.append((pos, end, buf[pos:end].tobytes().decode("utf-8", "replace").strip()))
    vertex_ids: list[int] = []
    names: dict[int, str] = {}
    link_parts: list[tuple[np.ndarray, np.ndarray]] = []
    w_parts = []
    bipartite_start = None
    first_header = headers[0][0] if headers else buf.shape[0]
    if _scan_has_data(buf[:first_header]):
        # links before any heading: Infomap reads them as a link section
        headers.insert(0, (-1, -1, "*Links"))
    for k, (pos, end, head) in enumerate(headers):
        section_end = headers[k + 1][0] if k + 1 < len(headers) else buf.shape[0]
        body = buf[end + 1 : section_end] if end >= 0 else buf[:section_end]
        line_base = _line_of(buf, end + 1) - 1 if end >= 0 else 0
        words = head.split()
        keyword = words[0].lower()
        if keyword == "*vertices":
            if len(words) > 1 and not (words[1].isascii() and words[1].isdigit()):
                raise DataError(f"{label}:{line_base}: expected '*Vertices' or '*Vertices N', got {head!r}")
            for i, raw in enumerate(body.tobytes().split(b"\n")):
                try:
                    line = raw.decode("utf-8").strip()
                except UnicodeDecodeError:
                    raise DataError(f"{label}:{line_base + i + 1}: vertex line is not valid UTF-8") from None
                if not line or line[0] in "#%":
                    continue
                vid, name = _pajek_vertex(line, label, line_base + i + 1)
                vertex_ids.append(vid)
                names[vid] = name
        elif keyword in ("*edges", "*arcs", "*links", "*bipartite"):
            if keyword == "*bipartite":
                if len(words) < 2 or not (words[1].isascii() and words[1].isdigit()) \
                        or not 0 < int(words[1]) <= MAX_PAJEK_ID:
                    raise DataError(f"{label}:{line_base}: expected '*Bipartite N' (N: the first "
                                    f"feature node id, at least 1), got {head!r}")
                if bipartite_start is not None and bipartite_start != int(words[1]):
                    raise DataError(f"{label}:{line_base}: a second *Bipartite section with "
                                    f"another start id ({words[1]}, before {bipartite_start})")
                bipartite_start = int(words[1])
            start, length, _, weight = _scan(body, label, line_base)
            ok, values = tokens_as_integers(body, start, length)
            bad = None
            if not ok:
                for j in range(start.shape[0]):
                    tok = body[start[j] : start[j] + length[j]].tobytes()
                    if not tok.isdigit() or len(tok) > 18:
                        bad = j
                        break
            elif values.size and values.max() > MAX_PAJEK_ID:
                bad = int(np.flatnonzero(values > MAX_PAJEK_ID)[0])
            if bad is not None:
                line = _line_of(body, int(start[bad])) + line_base
                raise DataError(f"{label}:{line}: a link end is not a vertex id "
                                f"(an integer in 0..{MAX_PAJEK_ID}): {_line_text(body, int(start[bad]))!r}")
            src, dst = values[0::2], values[1::2]
            if keyword == "*bipartite":
                same = (src >= bipartite_start) == (dst >= bipartite_start)
                if same.any():
                    j = int(np.flatnonzero(same)[0])
                    line = _line_of(body, int(start[2 * j])) + line_base
                    raise DataError(f"{label}:{line}: a bipartite link must join an id below "
                                    f"{bipartite_start} to one from {bipartite_start} on")
            link_parts.append((src, dst))
            w_parts.append(weight)
        elif keyword == "*contexts":
            continue
        elif keyword in _UNSUPPORTED_SECTIONS:
            raise DataError(f"{label}:{line_base}: {_UNSUPPORTED_SECTIONS[keyword]}")
        else:
            raise DataError(f"{label}:{line_base}: unknown Pajek section {words[0]!r} (expected "
                            "*Vertices, *Edges, *Arcs, *Links or *Bipartite)")
    if not headers:
        raise DataError(f"{label}:1: not a Pajek file (no section line such as *Vertices)")
    ends = [np.asarray(vertex_ids, np.int64)] + [a for pair in link_parts for a in pair]
    ids = np.unique(np.concatenate(ends)) if ends else np.empty(0, np.int64)
    src = np.concatenate([np.searchsorted(ids, s) for s, _ in link_parts]) if link_parts \
        else np.empty(0, np.int64)
    dst = np.concatenate([np.searchsorted(ids, t) for _, t in link_parts]) if link_parts \
        else np.empty(0, np.int64)
    weight = np.concatenate(w_parts).astype(np.float64) if w_parts else np.empty(0, np.float64)
    graph = Graph([names.get(i, str(i)) for i in ids.tolist()], ids.astype(np.int64),
                  src.astype(np.int64), dst.astype(np.int64), weight, directed)
    if bipartite_start is not None:
        graph.bipartite_start = bipartite_start
    return graph


def _scan_has_data(buf: np.ndarray) -> bool:
    """True when ``buf`` holds a line that is neither blank nor a comment."""
    for raw in buf.tobytes().split(b"\n"):
        line = raw.strip()
        if line and line[:1] not in (b"#", b"%"):
            return True
    return False


def _looks_like_pajek(data: bytes) -> bool:
    """The first line that is not blank or a comment is a section heading (``*...``)."""
    for raw in data[:65536].split(b"\n"):
        line = raw.strip()
        if not line or line[:1] in (b"#", b"%"):
            continue
        return line[:1] == b"*"
    return False


def decode_graph_bytes(data: bytes, label: str) -> bytes:
    """The bytes of a graph file as UTF-8: a UTF-16/UTF-32 byte-order mark is obeyed (the text
    is re-encoded), a UTF-8 one dropped; a NUL byte (binary data, or UTF-16 without its mark)
    is refused with its line."""
    from minent.io.corpus import wide_bom

    wide = wide_bom(data[:4])
    if wide:
        try:
            data = data.decode(wide).encode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].decode(wide, "replace").count("\n") + 1
            raise DataError(f"{label}:{line}: not valid {wide.upper()} (byte {e.start})") from None
    elif data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataError(f"{label}:{line}: NUL byte in a graph file (binary data, or UTF-16 "
                        "without its byte-order mark?)")
    return data


def read_graph(path, *, directed: bool = False, fmt: str = "auto") -> Graph:
    """Read an edge list or a Pajek file (``fmt`` "auto", "edges" or "pajek"); ``-`` = stdin.

    UTF-8, or UTF-16/UTF-32 with a byte-order mark; gzip-compressed files are recognised.
    Pajek is recognised by its first non-comment line being a section (``*Vertices``,
    ``*Edges``, ...).

    >>> g = parse_edge_list(b"a b 2\\nb c\\n")
    >>> g.names, g.src.tolist(), g.dst.tolist(), g.weight.tolist()
    (['a', 'b', 'c'], [0, 1], [1, 2], [2.0, 1.0])
    """
    if fmt not in ("auto", "edges", "pajek"):
        raise UsageError(f"unknown graph format {fmt!r} (choose auto, edges or pajek)")
    label = "<stdin>" if path is None or str(path) == "-" else str(path)
    data, _ = read_input("-" if path is None else path)
    data = decode_graph_bytes(data, label)
    if fmt == "pajek" or (fmt == "auto" and _looks_like_pajek(data)):
        return parse_pajek(data, label=label, directed=directed)
    return parse_edge_list(data, label=label, directed=directed)
