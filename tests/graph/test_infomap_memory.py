"""Memory (state) networks: the map equation with physical-node aggregation, against a slow
oracle and the `infomap` package; the second-order word network of `minent cooccur`."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from tests.support import run_minent
from minent.graph.cooccur import cooccurrence_states, count_trigrams
from minent.errors import DataError
from minent.graph.infomap.flow import compute_flow
from minent.graph.infomap.memory import memory_codelength, memory_infomap, parse_state_network
from minent.io.graph_formats import state_network_lines

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated")


def random_state_net(rng, n_phys=25, n_states=70, m=300, blocks=4) -> str:
    phys = rng.integers(1, n_phys + 1, n_states)
    block = rng.integers(0, blocks, n_states)
    lines = [f"*Vertices {n_phys}", *(f'{i} "p{i}"' for i in range(1, n_phys + 1)), "*States",
             *(f"{s + 1} {phys[s]}" for s in range(n_states)), "*Links"]
    for _ in range(m):
        s = int(rng.integers(n_states))
        t = int(rng.choice(np.flatnonzero(block == block[s]))) if rng.random() < 0.85 else int(rng.integers(n_states))
        if s != t:
            lines.append(f"{s + 1} {t + 1} {rng.uniform(0.5, 3):.4f}")
    return "\n".join(lines) + "\n"


def plogp(x):
    return x * math.log2(x) if x > 0 else 0.0


def oracle_codelength(net, flow, module):
    """The memory map equation from its definition, with dictionaries (two-level,
    unrecorded teleportation: module exit/enter = link flow across its boundary)."""
    p = flow.node_flow
    mods = sorted(set(module.tolist()))
    exit_, enter, mflow, phys = {}, {}, {}, {}
    for m in mods:
        exit_[m] = enter[m] = mflow[m] = 0.0
    for s in range(flow.n):
        mflow[module[s]] += p[s]
        key = (module[s], int(net.physical[s]))
        phys[key] = phys.get(key, 0.0) + p[s]
        for e in range(flow.optr[s], flow.optr[s + 1]):
            t = flow.oidx[e]
            if module[t] != module[s]:
                exit_[module[s]] += flow.ofl[e]
                enter[module[t]] += flow.ofl[e]
    physical_total: dict = {}
    for s in range(flow.n):
        physical_total[int(net.physical[s])] = physical_total.get(int(net.physical[s]), 0.0) + p[s]
    if len(mods) == 1:
        return -sum(plogp(x) for x in physical_total.values())
    q = sum(enter.values())
    index = plogp(q) - sum(plogp(enter[m]) for m in mods)
    body = sum(plogp(exit_[m] + mflow[m]) - plogp(exit_[m]) for m in mods) - sum(plogp(x) for x in phys.values())
    return index + body


@pytest.mark.parametrize("directed", [True, False])
def test_codelength_matches_the_oracle(directed):
    rng = np.random.default_rng(3)
    for _ in range(6):
        net = parse_state_network(random_state_net(rng).encode(), directed=directed)
        flow = compute_flow(net.graph)
        for k in (1, 2, 5, 70):
            module = rng.integers(0, k, net.n_states)
            assert memory_codelength(net, flow, module)[0] == pytest.approx(
                oracle_codelength(net, flow, module), abs=1e-12)


@pytest.mark.parametrize("directed", [True, False])
def test_core_loop_ends_in_a_local_optimum(directed):
    """No single state move lowers the exact codelength after the core loop converged: the
    kernel's move deltas (physical terms included) are right."""
    from minent.graph.infomap import kernels as K
    from minent.graph.infomap.memory import state_flow
    from minent.graph.infomap.search import leaf_net

    rng = np.random.default_rng(5)
    for _ in range(3):
        net = parse_state_network(random_state_net(rng, 8, 30, 90).encode(), directed=directed)
        flow = state_flow(net)
        leaves = leaf_net(flow)
        module = np.arange(net.n_states, dtype=np.int64)
        state = np.array([7], np.uint64)
        while K.memory_core_loop(flow.optr, flow.oidx, flow.ofl, flow.iptr, flow.iidx, flow.ifl,
                          flow.undirected, flow.node_x, flow.node_e, flow.node_flow, flow.node_t,
                          flow.node_d, False, 0.15, 0.0, module, leaves.parent, False, state, 10,
                          1e-10, 0.0, False, 0, 5, leaves.pptr, leaves.pidx, leaves.pfl,
                          flow.n_phys):
            pass
        base = memory_codelength(net, flow, module)[0]
        for s in range(net.n_states):
            for target in set(module.tolist()) | {net.n_states}:
                moved = module.copy()
                moved[s] = target
                assert memory_codelength(net, flow, moved)[0] >= base - 1e-9


def _state_files(tmp_path, make, rng, count, directed):
    """``count`` random state networks from ``make(rng)``: (file, parsed network) pairs."""
    for _ in range(count):
        text = make(rng)
        path = tmp_path / "s.net"
        path.write_text(text)
        yield path, parse_state_network(text.encode(), directed=directed)


def _reference(path, directed, trials=3):
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap_pkg.Infomap(two_level=True, silent=True, directed=directed, seed=1, num_trials=trials)
        im.read_file(str(path))
        im.run()
        return im


@pytest.mark.parametrize("directed", [True, False])
def test_random_state_networks_against_the_reference(tmp_path, directed):
    for path, net in _state_files(tmp_path, random_state_net, np.random.default_rng(0), 5, directed):
        im = _reference(path, directed)
        flow = compute_flow(net.graph)
        modules = im.get_modules(states=True)
        theirs = np.array([modules[sid] for sid in net.graph.ids.tolist()])
        # the same partition has the same codelength: the objective is the reference's
        assert memory_codelength(net, flow, theirs - 1)[0] == pytest.approx(im.codelength, abs=1e-9)
        r = memory_infomap(net, seed=1, trials=3)
        assert r.one_level_codelength == pytest.approx(im.one_level_codelength, abs=1e-9)
        assert r.codelength <= im.codelength + 1e-9


def test_states_example(shared_data):
    path = shared_data / "infomap_examples" / "states.net"
    for directed in (True, False):
        net = parse_state_network(path.read_bytes(), directed=directed)
        r = memory_infomap(net, seed=1)
        im = _reference(path, directed, trials=1)
        assert r.codelength == pytest.approx(im.codelength, abs=1e-9)
        assert r.overlapping() == {"i": [(1, pytest.approx(0.5)), (2, pytest.approx(0.5))]}
        rows = r.memberships()
        assert sorted(name for name, *_ in rows) == ["i", "i", "j", "k", "l", "m"]
        assert sum(f for _, _, f, _ in rows) == pytest.approx(1.0)


def nested_state_net(rng, n_phys=150, n_states=400, m=2000, sup=3, sub=3) -> str:
    """States in sup x sub nested blocks (a link stays in its block with probability 0.75, in its
    super-block with 0.2); a state's physical node is mostly one of its block's own (80%),
    else any: a hierarchy with overlapping physical nodes."""
    block = rng.integers(0, sup * sub, n_states)
    per = n_phys // (sup * sub)
    phys = np.where(rng.random(n_states) < 0.8, block * per + rng.integers(0, per, n_states),
                    rng.integers(0, n_phys, n_states)) + 1
    lines = [f"*Vertices {n_phys}", *(f'{i} "p{i}"' for i in range(1, n_phys + 1)), "*States",
             *(f"{s + 1} {phys[s]}" for s in range(n_states)), "*Links"]
    for _ in range(m):
        s, r = int(rng.integers(n_states)), rng.random()
        pool = (np.flatnonzero(block == block[s]) if r < 0.75 else
                np.flatnonzero(block // sub == block[s] // sub) if r < 0.95 else np.arange(n_states))
        t = int(rng.choice(pool))
        if s != t:
            lines.append(f"{s + 1} {t + 1} {rng.uniform(0.5, 3):.4f}")
    return "\n".join(lines) + "\n"


def oracle_multilevel_codelength(paths, physical, flow):
    """The multilevel memory map equation of a tree (one path per state, the last entry its
    rank in its leaf module), from its definition, unrecorded teleportation: a module of
    modules codes its exit and its children's enter flows; a leaf module codes its exit and
    the flow of each physical node in it; the root has no exit."""
    n = len(paths)
    links = [(s, int(flow.oidx[e]), float(flow.ofl[e])) for s in range(n)
             for e in range(flow.optr[s], flow.optr[s + 1])]
    prefixes = {tuple(path[:d]) for path in paths for d in range(len(path))}

    def members(prefix):
        return {i for i in range(n) if tuple(paths[i][:len(prefix)]) == prefix}

    def enter_exit(nodes):
        return (sum(f for s, t, f in links if s not in nodes and t in nodes),
                sum(f for s, t, f in links if s in nodes and t not in nodes))

    total = 0.0
    for prefix in prefixes:
        nodes = members(prefix)
        exit_ = enter_exit(nodes)[1] if prefix else 0.0
        children = {tuple(paths[i][:len(prefix) + 1]) for i in nodes}
        if all(child in prefixes for child in children):
            uses = [enter_exit(members(child))[0] for child in children]
        else:   # a leaf module: its states' flow by physical node
            by_physical: dict = {}
            for i in nodes:
                by_physical[int(physical[i])] = by_physical.get(int(physical[i]), 0.0) + flow.node_flow[i]
            uses = list(by_physical.values())
        total += plogp(exit_ + sum(uses)) - plogp(exit_) - sum(plogp(u) for u in uses)
    return total


def _reference_tree(path, directed, **options):
    """The reference's multilevel run: (codelength, {state id: path}, levels)."""
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap_pkg.Infomap(silent=True, directed=directed, seed=1, **options)
        im.read_file(str(path))
        im.run()
        paths = {n.state_id: tuple(n.path) for n in im.get_tree(states=True) if n.is_leaf}
        return im.codelength, paths, im.num_levels


@pytest.mark.parametrize("directed", [True, False])
def test_hierarchical_against_the_oracle_and_the_reference(tmp_path, directed):
    """The hierarchical codelength is the multilevel memory map equation (the oracle, on our
    tree and on the reference's: the objective is the reference's to 1e-9), and the search
    finds trees as short as the reference's: each within 0.2% (measured on 16 such networks,
    3 trials each: on average 0.04% shorter, at worst 0.06% longer)."""
    from minent.graph.infomap.memory import state_flow

    for path, net in _state_files(tmp_path, nested_state_net, np.random.default_rng(11), 3, directed):
        flow = state_flow(net)
        r = memory_infomap(net, seed=1, trials=3, hierarchical=True)
        assert r.codelength == pytest.approx(oracle_multilevel_codelength(r.paths, net.physical, flow), abs=1e-9)
        assert r.codelength < memory_infomap(net, seed=1, trials=3).codelength - 0.05
        assert max(len(p) for p in r.paths) >= 3   # at least super-blocks, blocks, states
        ref_length, ref_paths, _ = _reference_tree(path, directed, num_trials=3)
        theirs = [ref_paths[sid] for sid in net.graph.ids.tolist()]
        assert oracle_multilevel_codelength(theirs, net.physical, flow) == pytest.approx(ref_length, abs=1e-9)
        assert r.codelength <= ref_length * 1.002


def test_hierarchical_rows_give_every_module_of_a_physical_node():
    rng = np.random.default_rng(12)
    net = parse_state_network(nested_state_net(rng).encode())
    r = memory_infomap(net, seed=1, hierarchical=True)
    assert r.columns == ("node", "module", "flow", "share", "path")
    rows = list(r.to_rows())
    # one row per (physical node, leaf module); shares of a node add up to 1, flows to 1
    assert len({(row[0], row[4]) for row in rows}) == len(rows)
    shares: dict = {}
    for name, top, f, share, path in rows:
        assert path.split(":")[0] == str(top)   # the leaf module's path
        shares[name] = shares.get(name, 0.0) + share
    assert all(v == pytest.approx(1.0) for v in shares.values())
    assert sum(row[2] for row in rows) == pytest.approx(1.0)
    leaf_paths = {p[:-1] for p in r.paths}
    assert {tuple(map(int, row[4].split(":"))) for row in rows} == leaf_paths
    assert max(len(p) for p in r.paths) >= 3 and r.overlapping()


@pytest.mark.parametrize("seed", [12, 13, 14])
def test_hierarchical_overlap_names_each_top_module_once(seed):
    """overlapping() lists the top modules of a physical node once each, with the shares of
    their leaf modules added up; a node only in sibling leaf modules is not overlapping."""
    net = parse_state_network(nested_state_net(np.random.default_rng(seed)).encode())
    r = memory_infomap(net, seed=1, hierarchical=True)
    tops: dict = {}
    leaves: dict = {}
    for name, path, _, share in r.memberships():
        tops.setdefault(name, {})
        tops[name][path[0]] = tops[name].get(path[0], 0.0) + share
        leaves[name] = leaves.get(name, 0) + 1
    want = {k: sorted(v.items()) for k, v in tops.items() if len(v) > 1}
    got = r.overlapping()
    assert set(got) == set(want) and got
    for name, entries in got.items():
        assert [m for m, _ in entries] == sorted({m for m, _ in entries})  # each top module once
        assert entries == [(m, pytest.approx(s)) for m, s in want[name]]
        assert sum(s for _, s in entries) == pytest.approx(1.0)
    # nodes in several leaf modules of one top module: in memberships(), not in overlapping()
    assert any(leaves[k] > 1 and len(v) == 1 for k, v in tops.items())


def test_hierarchical_states_example(shared_data):
    path = shared_data / "infomap_examples" / "states.net"
    for directed in (True, False):
        net = parse_state_network(path.read_bytes(), directed=directed)
        r = memory_infomap(net, seed=1, hierarchical=True)
        ref_length, _, _ = _reference_tree(path, directed)
        assert r.codelength == pytest.approx(ref_length, abs=1e-9)
        assert r.overlapping() == {"i": [(1, pytest.approx(0.5)), (2, pytest.approx(0.5))]}


def test_recorded_teleportation_against_the_reference(tmp_path):
    """Recorded teleportation on state networks: the reference's partition has the
    reference's codelength under our objective, and our search is as good (within 0.2%)."""
    from minent.graph.infomap.memory import state_flow

    for path, net in _state_files(tmp_path, nested_state_net, np.random.default_rng(4), 3, True):
        ref_length, ref_paths, _ = _reference_tree(path, True, two_level=True, recorded_teleportation=True)
        theirs = np.array([ref_paths[sid][0] for sid in net.graph.ids.tolist()])
        flow = state_flow(net, recorded_teleport=True)
        assert memory_codelength(net, flow, theirs)[0] == pytest.approx(ref_length, abs=1e-9)
        r = memory_infomap(net, seed=1, recorded_teleport=True)
        assert r.settings["recorded_teleport"] is True
        assert r.codelength == pytest.approx(memory_codelength(net, flow, r.module)[0], abs=1e-12)
        assert r.codelength <= ref_length * 1.002


def test_preferred_number_of_modules_on_state_networks(tmp_path):
    """The reference ignores --preferred-number-of-modules on state networks (its memory map
    equation has no bias term); minent biases the search as for ordinary networks, so the
    count moves to K while the reported codelength stays the plain memory L."""
    from minent.graph.infomap.memory import state_flow

    net = parse_state_network(nested_state_net(np.random.default_rng(12)).encode())
    free = memory_infomap(net, seed=1)
    flow = state_flow(net)
    for k in (2, free.num_modules + 6):
        r = memory_infomap(net, seed=1, preferred_number_of_modules=k)
        assert abs(r.num_modules - k) < abs(free.num_modules - k)
        assert r.codelength == pytest.approx(memory_codelength(net, flow, r.module)[0], abs=1e-12)
        assert r.codelength > free.codelength
        assert r.settings["preferred_number_of_modules"] == k


BAD = [
    ("*States\n1 1\n*Links\n1 5\n", r":4: link to an undeclared state 5"),
    ("*States\n1 1\n2\n", r":3: a state needs 'state_id physical_id'"),
    ("*States\n1 1\n1 2\n", r":3: state 1 declared twice"),
    ("*States\n1 1\n2 2\n*Links\n1 2 -1\n", r":5: weight must be a positive"),
    ("*Vertices 2\n1 a\n*Links\n1 2\n", r":3: links before any \*States"),
    ("*States\n1 x\n", r":2: state and physical ids must be integers"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_bad_state_networks_name_the_line(tmp_path, text, message):
    import re

    with pytest.raises(DataError, match=message):
        parse_state_network(text.encode(), label="s.net")
    path = tmp_path / "s.net"
    path.write_text(text)
    r = run_minent("infomap", path, "--input-format", "states")
    err = r.stderr.decode()
    assert r.returncode == 1 and len(err.strip().splitlines()) == 1 and re.search(message, err), err


def test_cooccur_counts_and_round_trip():
    counts = count_trigrams(["a b c d", "a b c ， x y z", "a b"])
    assert counts == {("a", "b", "c"): 2, ("b", "c", "d"): 1, ("x", "y", "z"): 1}
    net = cooccurrence_states(["a b c d", "a b c ， x y z", "a b"], min_count=1)
    again = parse_state_network("\n".join(state_network_lines(net)).encode())
    assert again.physical_names == net.physical_names
    assert again.graph.names == net.graph.names
    assert again.physical.tolist() == net.physical.tolist()
    assert again.graph.src.tolist() == net.graph.src.tolist() and again.graph.weight.tolist() == net.graph.weight.tolist()


def topic_corpus(seed=1):
    rng = np.random.default_rng(seed)
    fruit = ["吃", "香蕉", "苹果", "橘子", "甜", "水果", "新鲜"]
    phone = ["买", "手机", "苹果", "华为", "屏幕", "充电", "系统"]
    return [" ".join(rng.choice(fruit if rng.random() < 0.5 else phone, 8)) for _ in range(400)]


def test_a_word_of_two_topics_is_in_two_modules():
    r = memory_infomap(cooccurrence_states(topic_corpus(), min_count=2), seed=1)
    overlap = r.overlapping()
    assert set(overlap) == {"苹果"}
    assert len(overlap["苹果"]) == 2 and sum(s for _, s in overlap["苹果"]) == pytest.approx(1.0)


def test_cli_cooccur_then_infomap(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(topic_corpus(2)) + "\n")
    net = tmp_path / "c.net"
    r = run_minent("cooccur", corpus, "--min-count", "2", "-o", net)
    assert r.returncode == 0, r.stderr
    assert net.read_text().splitlines()[1].startswith("*Vertices")
    r = run_minent("infomap", net, "--directed")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.decode().splitlines()]
    apple = [row for row in rows if row[0] == "苹果"]
    assert len(apple) == 2 and sum(float(row[3]) for row in apple) == pytest.approx(1.0)
    assert "1 in more than one module" in r.stderr.decode()
    piped = run_minent("infomap", "-", "--input-format", "states", "--directed", input=net.read_bytes())
    assert piped.returncode == 0 and piped.stdout == r.stdout
    bad = run_minent("infomap", net, "-f", "tree")
    assert bad.returncode == 2
    # the map of a state network: one circle per module, labelled by its words
    import xml.etree.ElementTree as ET

    svg = tmp_path / "m.svg"
    r = run_minent("infomap", net, "--directed", "-q", "--map", svg)
    assert r.returncode == 0, r.stderr
    root = ET.parse(svg).getroot()
    modules = {row[1] for row in rows}
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == len(modules)
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "苹果" in texts and "2 modules" in texts
