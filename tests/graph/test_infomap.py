"""InfoMap: flow and codelength against a Python oracle and the `infomap` package; search quality."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest

from tests.graph.infomap_oracle import codelength as oracle_codelength
from tests.graph.infomap_oracle import flows as oracle_flows
from minent.graph.infomap import evaluate, infomap
from minent.graph.infomap.flow import codelength, compute_flow, one_level_codelength
from minent.io.graph import Graph, parse_edge_list


def make_graph(n, links, directed=False):
    links = list(links)
    src = np.array([s for s, _, _ in links], np.int64)
    dst = np.array([t for _, t, _ in links], np.int64)
    w = np.array([w for _, _, w in links], float)
    return Graph([str(i) for i in range(n)], np.arange(n), src, dst, w, directed)


def random_links(rng, n, m, self_loops=True):
    links = [(int(rng.integers(n)), int(rng.integers(n)), float(rng.choice([0.5, 1.0, 2.0, 3.5])))
             for _ in range(m)]
    if not self_loops:
        links = [(s, t, w) for s, t, w in links if s != t]
    used = sorted({s for s, _, _ in links} | {t for _, t, _ in links})
    index = {u: i for i, u in enumerate(used)}
    return len(used), [(index[s], index[t], w) for s, t, w in links]


def karate():
    G = nx.karate_club_graph()
    return make_graph(34, [(u, v, 1.0) for u, v in G.edges()]), G


def reference(links, **kw):
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return infomap_pkg.run(links, two_level=True, **kw)


# ----------------------------------------------------------------------------- flow
@pytest.mark.parametrize("directed,recorded", [(False, False), (True, False), (True, True)])
def test_flow_matches_oracle(directed, recorded):
    rng = np.random.default_rng(7)
    for _ in range(5):
        n, links = random_links(rng, 15, 45)
        g = make_graph(n, links, directed)
        flow = compute_flow(g, recorded_teleport=recorded)
        p, lf, ex, en, tw, _ = oracle_flows(n, links, directed, recorded=recorded)
        np.testing.assert_allclose(flow.node_flow, p, rtol=0, atol=1e-14)
        np.testing.assert_allclose(flow.node_x, ex, rtol=0, atol=1e-14)
        np.testing.assert_allclose(flow.node_e, en, rtol=0, atol=1e-14)
        assert flow.node_flow.sum() == pytest.approx(1.0, abs=1e-12)


def test_directed_flow_matches_reference_node_flow():
    rng = np.random.default_rng(3)
    n, links = random_links(rng, 30, 90)  # has dangling nodes and self-links
    flow = compute_flow(make_graph(n, links, True))
    r = reference(links, directed=True, no_infomap=True, initial_partition={i: i for i in range(n)})
    df = r.to_dataframe().sort_values("node_id")
    assert df.node_id.tolist() == list(range(n))
    np.testing.assert_allclose(flow.node_flow, df.flow.to_numpy(), rtol=0, atol=1e-9)


# ----------------------------------------------------------------------------- codelength
@pytest.mark.parametrize("directed,recorded,markov", [
    (False, False, 1.0), (True, False, 1.0), (True, True, 1.0), (False, False, 2.0), (True, False, 0.5)])
def test_codelength_matches_oracle_and_reference(directed, recorded, markov):
    rng = np.random.default_rng(11)
    for trial in range(4):
        n, links = random_links(rng, 14, 40, self_loops=trial % 2 == 0)
        g = make_graph(n, links, directed)
        flow = compute_flow(g, recorded_teleport=recorded, markov_time=markov)
        for k in (1, 2, 3, n):
            part = rng.integers(0, k, n) if k < n else np.arange(n)
            mine = codelength(flow, part)[0]
            slow = oracle_codelength(part.tolist(), n, links, directed, recorded=recorded,
                                     markov_time=markov)
            assert mine == pytest.approx(slow, abs=1e-12)
            ref = reference(links, directed=directed, no_infomap=True, markov_time=markov,
                            recorded_teleportation=recorded,
                            initial_partition={i: int(part[i]) for i in range(n)})
            if len(set(part.tolist())) > 1:
                assert mine == pytest.approx(ref.codelength, abs=1e-9)
            assert one_level_codelength(flow) == pytest.approx(ref.one_level_codelength, abs=1e-9)


def test_karate_reference_values():
    g, G = karate()
    flow = compute_flow(g)
    factions = np.array([0 if G.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(34)])
    assert codelength(flow, factions)[0] == pytest.approx(4.462091, abs=1e-6)
    assert codelength(flow, np.arange(34))[0] == pytest.approx(6.704423, abs=1e-6)
    assert one_level_codelength(flow) == pytest.approx(4.704423, abs=1e-6)


# ----------------------------------------------------------------------------- search
def test_karate_club_optimum():
    g, _ = karate()
    for seed in (1, 2, 123):
        r = infomap(g, seed=seed)
        assert r.codelength == pytest.approx(4.311793, abs=1e-6)
        assert r.num_modules == 3
    assert r.relative_savings == pytest.approx(1 - 4.311793 / 4.704423, abs=1e-6)


def test_result_codelength_is_exact_and_modules_ranked_by_flow():
    rng = np.random.default_rng(5)
    n, links = random_links(rng, 60, 200, self_loops=False)
    g = make_graph(n, links)
    r = infomap(g, seed=3, trials=3)
    flow = compute_flow(g)
    assert r.codelength == pytest.approx(oracle_codelength((r.module - 1).tolist(), n, links), abs=1e-12)
    assert r.codelength <= one_level_codelength(flow) + 1e-12
    mflow = np.bincount(r.module - 1, weights=r.flow)
    assert np.all(np.diff(mflow) <= 1e-15)


def test_same_seed_same_answer_and_trials_never_worse():
    rng = np.random.default_rng(8)
    n, links = random_links(rng, 200, 700, self_loops=False)
    g = make_graph(n, links)
    a, b = infomap(g, seed=42), infomap(g, seed=42)
    assert np.array_equal(a.module, b.module) and a.codelength == b.codelength
    assert infomap(g, seed=42, trials=4).codelength <= a.codelength + 1e-12


def planted(n_blocks, size, m, mu, seed, directed=False):
    rng = np.random.default_rng(seed)
    n = n_blocks * size
    b = rng.integers(0, n_blocks, m)
    s = b * size + rng.integers(0, size, m)
    inside = rng.random(m) >= mu
    t = np.where(inside, b * size + rng.integers(0, size, m), rng.integers(0, n, m))
    keep = s != t
    g = Graph([str(i) for i in range(n)], np.arange(n), s[keep], t[keep], np.ones(int(keep.sum())),
              directed)
    return g, np.arange(n) // size


@pytest.mark.parametrize("directed", [False, True])
def test_planted_partition_recovered(directed):
    g, truth = planted(20, 50, 10_000, 0.15, seed=4, directed=directed)
    r = infomap(g, seed=1)
    assert r.num_modules == 20
    # same partition up to labels
    pairs = set(zip(truth.tolist(), r.module.tolist()))
    assert len(pairs) == 20
    ref = reference([(int(s), int(t)) for s, t in zip(g.src, g.dst)], directed=directed, seed=1)
    assert r.codelength <= ref.codelength + 1e-9


def test_random_graph_is_one_module():
    rng = np.random.default_rng(9)
    n, m = 2000, 20_000
    s, t = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = s != t
    g = Graph([str(i) for i in range(n)], np.arange(n), s[keep], t[keep], np.ones(int(keep.sum())))
    r = infomap(g, seed=1)
    assert r.num_modules == 1
    assert r.codelength == pytest.approx(r.one_level_codelength)


@pytest.mark.parametrize("mu", [0.1, 0.3, 0.6])
def test_lfr_codelength_not_worse_than_reference(mu):
    G = nx.LFR_benchmark_graph(250, 3, 1.5, mu, average_degree=10, max_degree=30, min_community=20,
                               seed=10)
    G.remove_edges_from(nx.selfloop_edges(G))
    g = make_graph(250, [(u, v, 1.0) for u, v in G.edges()])
    ref = reference([(u, v) for u, v in G.edges()], seed=1, num_trials=3)
    r = infomap(g, seed=1, trials=3)
    assert r.codelength <= ref.codelength * (1 + 1e-6)


def test_first_loop_only_grows_modules():
    """With first_loop a node that others joined never leaves: every member's host stays."""
    from minent.graph.infomap import kernels as K

    G = nx.LFR_benchmark_graph(250, 3, 1.5, 0.3, average_degree=10, max_degree=30, min_community=20,
                               seed=10)
    for directed in (False, True):
        flow = compute_flow(make_graph(250, [(u, v, 1.0) for u, v in G.edges()], directed))
        module = np.arange(flow.n)
        moves = K.core_loop(flow.optr, flow.oidx, flow.ofl, flow.iptr, flow.iidx, flow.ifl,
                            flow.undirected, flow.node_x, flow.node_e, flow.node_flow, flow.node_t,
                            flow.node_d, False, 0.15, 0.0, module, np.zeros(flow.n, np.int64),
                            False, np.array([7], np.uint64), 10, 1e-10, 0.0, True, 0, 0,
                            np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0), 0)
        assert moves > 50
        joined = module != np.arange(flow.n)
        assert np.all(module[module[joined]] == module[joined])


@pytest.mark.parametrize("directed", [False, True])
def test_fast_search_of_large_graphs(monkeypatch, directed):
    """The first-loop rule used from FAST_SEARCH_MIN_LINKS links on, forced on small graphs."""
    import minent.graph.infomap.search as im

    monkeypatch.setattr(im, "FAST_SEARCH_MIN_LINKS", 0)
    g, truth = planted(20, 50, 10_000, 0.15, seed=4, directed=directed)
    r = infomap(g, seed=1)
    assert r.num_modules == 20 and len(set(zip(truth.tolist(), r.module.tolist()))) == 20
    for mu in (0.1, 0.3):
        G = nx.LFR_benchmark_graph(250, 3, 1.5, mu, average_degree=10, max_degree=30,
                                   min_community=20, seed=10)
        G.remove_edges_from(nx.selfloop_edges(G))
        links = [(u, v, 1.0) for u, v in G.edges()]
        ref = reference([(u, v) for u, v, _ in links], seed=1, num_trials=3)
        r = infomap(make_graph(250, links), seed=1, trials=3)
        assert r.codelength <= ref.codelength * (1 + 1e-6)
        assert r.codelength == pytest.approx(
            oracle_codelength((r.module - 1).tolist(), 250, links, False), abs=1e-12)


def test_evaluate_partition_by_name():
    g = parse_edge_list(b"a b\na c\nb c\nd e\nd f\ne f\nc d\n")
    part = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "y"}
    r = evaluate(g, part)
    assert r.codelength == pytest.approx(2.32073, abs=1e-5)
    assert r.num_modules == 2
    from minent.errors import DataError

    with pytest.raises(DataError, match="'f'"):
        evaluate(g, {k: v for k, v in part.items() if k != "f"})


def test_tiny_graphs():
    r = infomap(parse_edge_list(b"a b\n"), seed=1)
    assert r.num_modules == 1
    r = infomap(parse_edge_list(b"a a\n"), seed=1)  # a lone self-loop
    assert r.num_modules == 1 and r.codelength == 0.0
    from minent.errors import DataError

    with pytest.raises(DataError):
        infomap(parse_edge_list(b"# nothing\n"))


def nested_graph(seed=0, directed=False):
    """4 groups x 4 subgroups x 10 nodes: a graph with a three-level answer."""
    rng = np.random.default_rng(seed)
    n, links = 160, []
    for _ in range(6000):
        a, r = int(rng.integers(n)), rng.random()
        b = int((a // 10) * 10 + rng.integers(10) if r < 0.8 else
                (a // 40) * 40 + rng.integers(40) if r < 0.97 else rng.integers(n))
        if a != b:
            links.append((a, b, 1.0))
    return n, links


@pytest.mark.parametrize("directed", [False, True])
def test_hierarchical_matches_multilevel_oracle(directed):
    from tests.graph.infomap_oracle import multilevel_codelength

    n, links = nested_graph(directed=directed)
    g = make_graph(n, links, directed)
    two = infomap(g, seed=1)
    r = infomap(g, seed=1, hierarchical=True)
    assert r.num_modules == 4 and {len(p) for p in r.paths} == {3}
    assert r.codelength < two.codelength - 0.1
    assert r.codelength == pytest.approx(multilevel_codelength(r.paths, n, links, directed), abs=1e-10)
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = infomap_pkg.run([(s, t) for s, t, _ in links], directed=directed, seed=1)
    assert r.codelength <= ref.codelength + 1e-9
    # paths are a proper tree order: sorted, unique
    order = r.node_order()
    assert [r.paths[i] for i in order] == sorted(r.paths) and len(set(r.paths)) == n


def test_hierarchical_small_graphs_agree_with_oracle():
    from tests.graph.infomap_oracle import multilevel_codelength

    rng = np.random.default_rng(2)
    for _ in range(3):
        n, links = random_links(rng, 40, 120, self_loops=False)
        r = infomap(make_graph(n, links), seed=4, hierarchical=True)
        assert r.codelength == pytest.approx(multilevel_codelength(r.paths, n, links), abs=1e-10)
        assert r.codelength <= infomap(make_graph(n, links), seed=4).codelength + 1e-12


@pytest.mark.parametrize("recorded", [False, True])
def test_directed_search_not_worse_than_reference(recorded):
    rng = np.random.default_rng(5)
    n, links = random_links(rng, 60, 240)
    r = infomap(make_graph(n, links, True), seed=1, recorded_teleport=recorded, trials=3)
    ref = reference(links, directed=True, seed=1, recorded_teleportation=recorded, num_trials=3)
    assert r.codelength <= ref.codelength + 1e-9
    flow = compute_flow(make_graph(n, links, True), recorded_teleport=recorded)
    assert r.codelength == pytest.approx(
        oracle_codelength((r.module - 1).tolist(), n, links, True, recorded=recorded), abs=1e-12)


def restrict_reference(ptr, idx, fl, nodes):
    """Slow reference of kernels.mapequation.restrict_csr: rows of ``nodes``, links to them."""
    pos = {int(v): r for r, v in enumerate(nodes)}
    new_ptr, new_idx, new_fl = [0], [], []
    for v in nodes:
        for e in range(ptr[v], ptr[v + 1]):
            if int(idx[e]) in pos:
                new_idx.append(pos[int(idx[e])])
                new_fl.append(float(fl[e]))
        new_ptr.append(len(new_idx))
    return new_ptr, new_idx, new_fl


def test_restrict_csr_matches_reference():
    from minent.graph.infomap import kernels as K

    rng = np.random.default_rng(7)
    for n, m in [(1, 0), (5, 12), (60, 400)]:
        src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
        ptr, idx, fl = K.build_csr(n, src, dst, rng.random(m), 1.0, False)
        for size in (0, 1, n // 2, n):
            nodes = rng.permutation(n)[:size].astype(np.int64)
            got = K.restrict_csr(ptr, idx, fl, nodes)
            want = restrict_reference(ptr, idx, fl, nodes)
            assert got[0].tolist() == want[0] and got[1].tolist() == want[1]
            assert got[2].tolist() == want[2]   # copied, not computed: exact


def test_aggregate_with_sums_matches_reference():
    """The module network and module sums of kernels.mapequation.aggregate_with_sums against
    dictionaries built link by link."""
    from collections import defaultdict

    from minent.graph.infomap import kernels as K

    rng = np.random.default_rng(11)
    for n, m, k in [(1, 0, 1), (8, 20, 3), (50, 300, 7)]:
        src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
        ptr, idx, fl = K.build_csr(n, src, dst, rng.random(m), 1.0, False)
        module = rng.integers(0, k, n)
        x, e, p, t, d = (rng.random(n) for _ in range(5))
        aptr, aidx, afl, mx, me, mp, mt, md = K.aggregate_with_sums(ptr, idx, fl, module, k, x, e, p, t, d)
        links = defaultdict(float)
        want = {name: np.zeros(k) for name in "xeptd"}
        for v in range(n):
            for name, arr in zip("xeptd", (x, e, p, t, d)):
                want[name][module[v]] += arr[v]
            for j in range(ptr[v], ptr[v + 1]):
                a, b = module[v], module[idx[j]]
                if a == b:
                    want["x"][a] -= fl[j]
                    want["e"][a] -= fl[j]
                else:
                    links[(a, b)] += fl[j]
        got = {(a, int(aidx[j])): afl[j] for a in range(k) for j in range(aptr[a], aptr[a + 1])}
        assert set(got) == set(links)
        for key in links:
            assert got[key] == pytest.approx(links[key], rel=1e-12)
        for name, arr in zip("xeptd", (mx, me, mp, mt, md)):
            np.testing.assert_allclose(arr, want[name], rtol=1e-12, atol=1e-15)
