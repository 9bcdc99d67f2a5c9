"""`minent infomap` on the command line: formats, --evaluate, errors, stdout purity."""

from __future__ import annotations

import math
import json
import warnings

import pytest

from tests.support import run_minent

TOY = "1 2\n1 3\n2 3\n4 5\n4 6\n5 6\n3 4\n"


def test_tsv_output_and_summary_on_stderr():
    r = run_minent("infomap", "-", "--seed", "1", input=TOY)
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.decode().splitlines()]
    assert [row[:2] for row in rows] == [["3", "1"], ["1", "1"], ["2", "1"], ["4", "2"], ["5", "2"], ["6", "2"]]
    assert sum(float(row[2]) for row in rows) == pytest.approx(1.0)
    err = r.stderr.decode()
    assert err.startswith("minent: infomap: 2 modules, codelength 2.320730 bits")
    assert "one-level 2.556657" in err and "seed=1" in err
    assert run_minent("infomap", "-q", input=TOY).stderr == b""


def test_header_and_jsonl():
    r = run_minent("infomap", "--header", "-q", input=TOY)
    assert r.stdout.decode().splitlines()[0] == "node\tmodule\tflow"
    r = run_minent("infomap", "-f", "jsonl", "-q", input="猫 狗\n狗 鱼\n鱼 猫\n")
    rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert {row["node"] for row in rows} == {"猫", "狗", "鱼"}
    assert "\\u" not in r.stdout.decode()


def _body(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_clu_and_tree_bodies_match_the_reference(tmp_path):
    infomap_pkg = pytest.importorskip("infomap")
    path = tmp_path / "g.tsv"
    path.write_text(TOY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = infomap_pkg.run(str(path), two_level=True, seed=1)
        ref.write_clu(str(tmp_path / "ref.clu"))
        ref.write_tree(str(tmp_path / "ref.tree"))
    for fmt in ("clu", "tree"):
        r = run_minent("infomap", path, "-f", fmt, "-q")
        assert r.returncode == 0
        out = r.stdout.decode()
        assert "# codelength 2.32073 bits" in out
        assert _body(out) == _body((tmp_path / f"ref.{fmt}").read_text())


def test_json_object():
    r = run_minent("infomap", "-f", "json", "-q", input=TOY)
    doc = json.loads(r.stdout)
    assert doc["numTopModules"] == 2 and doc["codelength"] == pytest.approx(2.3207303568)
    assert doc["nodes"][0] == {"path": [1, 1], "modules": [1], "name": "3", "flow": pytest.approx(3 / 14),
                               "mec": pytest.approx(-(2 / 7) * math.log2(4 / 7)), "id": 3}


def test_evaluate_partition_and_output_file(tmp_path):
    part = tmp_path / "part.tsv"
    part.write_text("# node module\n1\tx\n2\tx\n3\tx\n4\ty\n5\ty\n6\ty\n")
    graph = tmp_path / "g.tsv"
    graph.write_text(TOY)
    out = tmp_path / "out.tsv"
    r = run_minent("infomap", graph, "--evaluate", part, "-o", out)
    assert r.returncode == 0 and r.stdout == b""
    assert "evaluated partition: 2 modules, codelength 2.320730" in r.stderr.decode()
    assert len(out.read_text().splitlines()) == 6
    for conflicting in (["--hierarchical"], ["--trials", "5"]):  # were silently ignored
        r = run_minent("infomap", graph, "--evaluate", part, *conflicting)
        assert r.returncode == 2 and r.stdout == b"" and b"--evaluate" in r.stderr
        assert len(r.stderr.splitlines()) == 1
    part.write_text("1\tx\n")
    r = run_minent("infomap", graph, "--evaluate", part)
    assert r.returncode == 1 and b"has no module" in r.stderr


@pytest.mark.parametrize("data,message", [
    ("a b\nb c -2\n", b"<stdin>:2: weight must be a positive finite number"),
    ("a b\nc\n", b"<stdin>:2: expected 'source target [weight]'"),
    ("", b"no links"),
])
def test_bad_input_is_one_line_exit_1(data, message):
    r = run_minent("infomap", input=data)
    assert r.returncode == 1 and r.stdout == b""
    assert message in r.stderr and len(r.stderr.splitlines()) == 1


def test_usage_errors_exit_2(tmp_path):
    assert run_minent("infomap", tmp_path / "missing.tsv").returncode == 2
    assert run_minent("infomap", "--trials", "0", input=TOY).returncode == 2
    r = run_minent("infomap", "--teleport", "1.5", "-d", input=TOY)
    assert r.returncode == 2 and b"teleport" in r.stderr
    r = run_minent("infomap", "--markov-time", "inf", input=TOY)  # was one module, exit 0
    assert r.returncode == 2 and b"--markov-time must be positive and finite" in r.stderr


def test_directed_pajek(tmp_path):
    net = tmp_path / "g.net"
    net.write_text('*Vertices 4\n1 "a"\n2 "b"\n3 "c"\n4 "d"\n*Arcs\n1 2\n2 1\n3 4\n4 3\n2 3\n')
    r = run_minent("infomap", net, "--directed", "-q")
    assert r.returncode == 0
    rows = [line.split("\t") for line in r.stdout.decode().splitlines()]
    assert {row[0] for row in rows} == {"a", "b", "c", "d"}


def test_hierarchical_tree_output(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    lines = []
    for _ in range(3000):
        a, r = int(rng.integers(80)), rng.random()
        b = int((a // 10) * 10 + rng.integers(10) if r < 0.85 else
                (a // 40) * 40 + rng.integers(40) if r < 0.98 else rng.integers(80))
        if a != b:
            lines.append(f"n{a} n{b}")
    r = run_minent("infomap", "--hierarchical", "-f", "tree", input="\n".join(lines))
    assert r.returncode == 0, r.stderr
    body = _body(r.stdout.decode())
    # the reference's tree (4.161327 bits): one super-module of four groups of ten, and the
    # other four groups directly under the root (an unbalanced tree)
    assert len(body) == 80 and sorted(len(line.split()[0].split(":")) for line in body) == [2] * 40 + [3] * 40
    assert "# partitioned into 3 levels with 5 top modules" in r.stdout.decode()
    assert "# codelength 4.16133 bits" in r.stdout.decode()
    assert b"hierarchical=True" in r.stderr


def test_zero_flow_nodes_join_their_neighbour_like_the_reference():
    # directed: 1 and 3 have no in-links, so no flow; the reference puts each with its target
    r = run_minent("infomap", "-d", "-f", "clu", "-q", input="1 2\n3 4\n")
    assert _body(r.stdout.decode()) == ["2 1 0.5", "1 1 0", "4 2 0.5", "3 2 0"]
    assert "# codelength 0 bits" in r.stdout.decode()


TWO_TRIANGLES = [(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (3, 4)]


@pytest.mark.parametrize("weight", ["1.7976931348623157e308", "5e-324"])
def test_extreme_weights_give_the_flows_of_equal_weights(weight):
    # 1e308 used to overflow into nan flows (exit 0), 5e-324 to print numpy warnings
    plain = run_minent("infomap", "-", input="".join(f"{a} {b}\n" for a, b in TWO_TRIANGLES))
    for extra in ([], ["-d"], ["--hierarchical"]):
        text = "".join(f"{a} {b} {weight}\n" for a, b in TWO_TRIANGLES)
        r = run_minent("infomap", "-", *extra, input=text)
        assert r.returncode == 0 and b"nan" not in r.stdout
        assert b"Warning" not in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
        if not extra:
            assert r.stdout == plain.stdout


def test_weights_too_small_next_to_the_largest_carry_no_flow():
    text = "1 2 1e308\n2 3 5e-324\n3 1 1\n"
    for extra in ([], ["-d", "--hierarchical"]):
        r = run_minent("infomap", "-", *extra, input=text)
        assert r.returncode == 0 and b"nan" not in r.stdout, r.stderr
        assert b"Warning" not in r.stderr and b"Traceback" not in r.stderr
        assert b"1 links weigh less than 1e-308 of the heaviest link" in r.stderr


def test_nul_byte_is_refused_by_line(tmp_path):
    p = tmp_path / "g.tsv"
    p.write_bytes(b"1 2\n2 3\n3\x00 2\n")
    r = run_minent("infomap", p)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().strip() == f"minent: error: {p}:3: NUL byte in a graph file (binary data, or UTF-16 without its byte-order mark?)"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("pajek", [False, True])
def test_graph_files_with_a_byte_order_mark(tmp_path, encoding, pajek):
    text = "".join(f"{a} {b}\n" for a, b in TWO_TRIANGLES)
    if pajek:
        text = '*Vertices 6\n1 "一"\n2 "二"\n3 "三"\n4 "四"\n5 "五"\n6 "六"\n*Edges\n' + text
    plain = tmp_path / "plain.net"
    plain.write_text(text, encoding="utf-8")
    p = tmp_path / "g.net"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p.write_bytes(data)
    r, expected = run_minent("infomap", p, "-f", "clu"), run_minent("infomap", plain, "-f", "clu")
    assert r.returncode == 0, r.stderr
    assert _body(r.stdout.decode()) == _body(expected.stdout.decode())
    assert len(_body(r.stdout.decode())) == 6


def test_bad_utf16_is_refused_by_line(tmp_path):
    p = tmp_path / "g.tsv"
    p.write_bytes("1 2\n2 3\n".encode("utf-16") + b"\x00\xd8\x41\x00")   # a lone surrogate
    r = run_minent("infomap", p)
    assert r.returncode == 1 and b"Traceback" not in r.stderr
    assert f"{p}:3: not valid UTF-16".encode() in r.stderr


def test_state_network_options(tmp_path):
    """A state network takes --hierarchical (a path column: each physical node's leaf modules),
    --recorded-teleport and --preferred-number-of-modules, as the library."""
    import numpy as np

    from minent.graph.infomap.memory import memory_infomap, parse_state_network
    from tests.graph.test_infomap_memory import nested_state_net

    text = nested_state_net(np.random.default_rng(12))
    path = tmp_path / "s.net"
    path.write_text(text)
    net = parse_state_network(text.encode())
    r = run_minent("infomap", path, "--directed", "--hierarchical", "--header")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "node\tmodule\tflow\tshare\tpath"
    lib = memory_infomap(net, hierarchical=True)
    assert [line.split("\t") for line in lines[1:]] == [[str(c) for c in row] for row in lib.to_rows()]
    assert f"codelength {lib.codelength:.6f}" in r.stderr.decode()
    doc = json.loads(run_minent("infomap", path, "--directed", "--hierarchical", "-f", "json", "-q").stdout)
    assert doc["higherOrder"] and doc["codelength"] == pytest.approx(lib.codelength)
    assert set(doc["nodes"][0]) == {"node", "module", "flow", "share", "path"}
    for args, kwargs in [(["--recorded-teleport"], dict(recorded_teleport=True)),
                         (["--preferred-number-of-modules", "3"], dict(preferred_number_of_modules=3))]:
        r = run_minent("infomap", path, "--directed", *args)
        assert r.returncode == 0, r.stderr
        lib = memory_infomap(net, **kwargs)
        assert f"codelength {lib.codelength:.6f}" in r.stderr.decode()
        assert {line.split("\t")[1] for line in r.stdout.decode().splitlines()} == \
            {str(m) for m in range(1, lib.num_modules + 1)}
    assert run_minent("infomap", path, "--evaluate", path).returncode == 2
