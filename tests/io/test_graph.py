"""Reading edge lists and Pajek files: names, weights, comments, errors naming the line."""

from __future__ import annotations

import numpy as np
import pytest

from minent.errors import DataError, UsageError
from minent.io.graph import parse_edge_list, parse_pajek, read_graph


def slow_parse(text: str):
    """Obvious reference: split lines, number names by first appearance."""
    names, src, dst, w = {}, [], [], []
    for line in text.splitlines():
        f = line.split()
        if not f or f[0].startswith(("#", "%")):
            continue
        f = f[:2] + [x for x in f[2:3] if not x.startswith("#")]  # trailing '# comment'
        for tok, out in ((f[0], src), (f[1], dst)):
            out.append(names.setdefault(tok, len(names)))
        w.append(float(f[2]) if len(f) == 3 else 1.0)
    return list(names), src, dst, w


def test_string_names_in_order_of_first_appearance():
    text = ("# words\n天气 晴朗 0.8\n晴朗\t温暖 1\r\n  \n% also a comment\n温暖 天气 # note\n"
            "𠀀 天气 2.5e-1 #x y\n")
    g = parse_edge_list(text.encode())
    names, src, dst, w = slow_parse(text)
    assert g.names == names
    assert g.src.tolist() == src and g.dst.tolist() == dst
    assert g.weight.tolist() == w
    assert g.ids.tolist() == [1, 2, 3, 4]


def test_integer_names_keep_their_ids_in_numeric_order():
    g = parse_edge_list(b"10 2\n2 33 3\n007 10\n")
    assert g.names == ["2", "7", "10", "33"]
    assert g.ids.tolist() == [2, 7, 10, 33]
    assert [g.names[i] for i in g.src] == ["10", "2", "7"]
    assert g.weight.tolist() == [1.0, 3.0, 1.0]


@pytest.mark.parametrize("offset", [0, 10**15])
def test_random_integer_edge_lists_match_sorted_unique(offset):
    """Both integer paths (direct table for small ids, hashing for large ones) = np.unique."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        m = int(rng.integers(1, 200))
        pairs = rng.integers(0, int(rng.choice([5, 50, 5000])), (m, 2)) + offset
        text = "".join(f"{a} {b}\n" for a, b in pairs.tolist())
        g = parse_edge_list(text.encode())
        uniq, inverse = np.unique(pairs.ravel(), return_inverse=True)
        assert g.ids.tolist() == uniq.tolist() and g.names == [str(v) for v in uniq.tolist()]
        assert g.src.tolist() == inverse[0::2].tolist() and g.dst.tolist() == inverse[1::2].tolist()


def test_random_edge_lists_match_slow_parser():
    rng = np.random.default_rng(0)
    words = ["a", "bb", "ccc", "猫", "狗", "x1", "1x", "-3", "+4"]
    for _ in range(20):
        lines = []
        for _ in range(rng.integers(1, 30)):
            a, b = rng.choice(words, 2)
            wt = rng.choice(["", " 1", "\t0.25", " 3e2", " .5", " 7."])
            lines.append(f"{a} {b}{wt}")
        text = "\n".join(lines)
        g = parse_edge_list(text.encode())
        names, src, dst, w = slow_parse(text)
        assert g.names == names and g.src.tolist() == src and g.dst.tolist() == dst
        assert g.weight.tolist() == w


def test_weights_parse_like_float():
    for tok in ["1", "0.1", "2.5", "1e-3", "1E+3", "123456789.123456789", "0.30000000000000004",
                "4.9e-300", "17976931348623157e292", "+2"]:
        g = parse_edge_list(f"a b {tok}\n".encode())
        assert g.weight[0] == float(tok), tok


@pytest.mark.parametrize("line,message", [
    ("a b 0", "positive"), ("a b -1", "positive"), ("a b 1e400", "positive"),
    ("a b nan", "not a number"), ("a b inf", "not a number"), ("a b 1,5", "not a number"),
    ("a b x", "not a number"), ("a b 1e", "not a number"), ("a", "source target"),
    ("a b 1 2", "source target"),
])
def test_bad_rows_name_the_line(line, message):
    with pytest.raises(DataError, match=rf"^g\.tsv:3: .*{message}"):
        parse_edge_list(f"# header\nx y 1\n{line}\nz w\n".encode(), label="g.tsv")


def test_invalid_utf8_name():
    with pytest.raises(DataError, match="g.tsv:2: .*UTF-8"):
        parse_edge_list(b"a b\n\xff c\n", label="g.tsv")


def test_pajek_with_labels_arcs_and_isolated_vertices(tmp_path):
    # as in Infomap, the nodes are the listed vertices and the link ends: the count is no limit
    text = ('% a comment\n*Vertices 5\n1 "alpha one"\n2 "β"\n3 gamma 0.1 0.2\n4\n'
            '*Arcs\n1 2 2\n2 3\n*Edges\n3 1 0.5\n')
    g = parse_pajek(text.encode())
    assert g.names == ["alpha one", "β", "gamma", "4"]
    assert g.ids.tolist() == [1, 2, 3, 4]
    assert g.src.tolist() == [0, 1, 2] and g.dst.tolist() == [1, 2, 0]
    assert g.weight.tolist() == [2.0, 1.0, 0.5]
    path = tmp_path / "g.net"
    path.write_text(text, encoding="utf-8")
    assert read_graph(path).names == g.names


def test_pajek_dialects_of_infomap(tmp_path):
    # count-less *Vertices, ids from 0, a name with inner quotes (first quote to last)
    g = parse_pajek(b'*Vertices\n0 "zero"\n1 "gene "X", alias" 0.5\n*Edges\n0 1\n1 7 2\n')
    assert g.names == ["zero", 'gene "X", alias', "7"] and g.ids.tolist() == [0, 1, 7]
    assert g.src.tolist() == [0, 1] and g.dst.tolist() == [1, 2]
    # ids beyond the declared count, links before/without *Vertices, comments anywhere
    g = parse_pajek(b"*Vertices 2\n3 C\n# note\n4 D\n*Edges\n# note\n3 4\n")
    assert g.names == ["C", "D"] and g.ids.tolist() == [3, 4]
    g = read_graph_bytes(tmp_path, b"# header\n# more\n*Edges\n5 6 2\n6 9\n")
    assert g.ids.tolist() == [5, 6, 9] and g.names == ["5", "6", "9"]
    g = parse_pajek(b"1 2\n*Vertices\n2 b\n")   # links before the first section
    assert g.names == ["1", "b"] and g.n_edges == 1
    # *Bipartite N: ids from N on are feature nodes, links must cross
    g = parse_pajek(b"*Vertices 3\n1 a\n2 b\n3 f\n*Bipartite 3\n1 3\n2 3 0.5\n")
    assert g.bipartite_start == 3 and g.weight.tolist() == [1.0, 0.5]
    with pytest.raises(DataError, match=r"g.net:3: a bipartite link must join"):
        parse_pajek(b"*Bipartite 3\n1 3\n1 2\n", label="g.net")


def read_graph_bytes(tmp_path, data: bytes):
    """read_graph of a file holding ``data`` (format recognised, not given)."""
    path = tmp_path / "g.txt"
    path.write_bytes(data)
    return read_graph(path)


def test_pajek_errors():
    with pytest.raises(DataError, match=r"g.net:5: a link end is not a vertex id"):
        parse_pajek(b"*Vertices 2\n1 a\n2 b\n*Edges\n1 x\n", label="g.net")
    with pytest.raises(DataError, match=r"g.net:5: a link end is not a vertex id"):
        parse_pajek(b"*Vertices 2\n1 a\n2 b\n*Edges\n1 -3\n", label="g.net")
    with pytest.raises(DataError, match=r"g.net:4: .*positive"):
        parse_pajek(b"*Vertices 2\n1 a\n*Edges\n1 2 -1\n", label="g.net")
    with pytest.raises(DataError, match=r"g.net:2: expected a vertex id"):
        parse_pajek(b"*Vertices\nx a\n", label="g.net")
    with pytest.raises(DataError, match=r"g.net:2: unterminated vertex name"):
        parse_pajek(b'*Vertices\n1 "a\n', label="g.net")
    with pytest.raises(DataError, match=r"g.net:1: expected '\*Vertices' or '\*Vertices N'"):
        parse_pajek(b"*Vertices -2\n*Edges\n1 2\n", label="g.net")
    with pytest.raises(DataError, match=r"g.net:1: unknown Pajek section '\*Foo'"):
        parse_pajek(b"*Foo\n", label="g.net")


@pytest.mark.parametrize("section", ["*States", "*Multilayer", "*Intra", "*Inter", "*Multiplex"])
def test_state_and_multilayer_sections_are_refused_by_line(section):
    # (state networks have their own reader, minent.graph.infomap.memory)
    data = f"*Vertices 2\n1 a\n2 b\n{section}\n1 1 1 2 1\n".encode()
    with pytest.raises(DataError, match=rf"g.net:4: .*\{section}.* (not supported|not a graph)"):
        parse_pajek(data, label="g.net")


def test_read_graph_files_and_stdin(tmp_path, monkeypatch):
    import gzip
    import io

    p = tmp_path / "g.tsv.gz"
    p.write_bytes(gzip.compress(b"a b\nb c 2\n"))
    assert read_graph(p).names == ["a", "b", "c"]
    with pytest.raises(UsageError, match="no such file"):
        read_graph(tmp_path / "missing.tsv")

    class Stdin:
        buffer = io.BytesIO(b"\xef\xbb\xbfx y\n")

    monkeypatch.setattr("sys.stdin", Stdin)
    assert read_graph("-").names == ["x", "y"]


def test_empty_input():
    g = parse_edge_list(b"")
    assert g.n_nodes == 0 and g.n_edges == 0


@pytest.mark.parametrize("header", [False, True])
def test_tsv_chunks_equal_the_table_writer(header):
    """The block-wise TSV of infomap results = write_table over to_rows (tabs in names too)."""
    import io

    from minent.graph.infomap import infomap
    from minent.io.graph_formats import tsv_chunks
    from minent.io.tables import write_table

    plain = parse_edge_list(b"1 2\n1 3\n2 3\n4 5\n4 6\n5 6\n3 4\n7 8\n")
    tabbed = parse_pajek('*Vertices 4\n1 "a\tb"\n2 "c"\n3 "d"\n4 "e"\n*Edges\n1 2\n3 4\n'.encode())
    for g in (plain, tabbed):
        r = infomap(g, seed=1)
        expected = io.StringIO()
        write_table(r.to_rows(), r.columns, "tsv", expected, header=header)
        for chunk in (2, 3, 100_000):
            assert "".join(c + "\n" for c in tsv_chunks(r, header=header, chunk=chunk)) == expected.getvalue()
