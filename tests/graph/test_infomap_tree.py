"""The module tree of a result (minent.graph.infomap.tree): module codelengths add up to the
result's codelength, for ordinary and memory networks, two-level and hierarchical."""

from __future__ import annotations

import numpy as np
import pytest

from minent.graph.infomap import infomap
from minent.graph.infomap.flow import result_flow
from minent.graph.infomap.memory import memory_infomap, parse_state_network, state_flow
from minent.graph.infomap.tree import module_tree
from minent.io.graph import parse_edge_list
from tests.graph.test_infomap_memory import nested_state_net
from tests.io.test_graph_formats import CASES, nested_graph


@pytest.mark.parametrize("directed,hierarchical", CASES)
def test_module_tree_adds_up(directed, hierarchical):
    g = parse_edge_list(nested_graph(7).encode())
    r = infomap(g, directed=directed, hierarchical=hierarchical, seed=1)
    modules = module_tree(r, result_flow(r))
    assert sum(m.codelength for m in modules) == pytest.approx(r.codelength, abs=1e-9)
    assert modules[0].path == () and modules[0].flow == pytest.approx(1.0)
    # the flow leaving top modules is the flow of the links between them (undirected: a row
    # carries both directions, and each end's module exits by one of them)
    top = [m for m in modules if len(m.path) == 1]
    assert sum(m.exit_flow for m in top) == pytest.approx(sum(modules[0].links.values()), abs=1e-12)


@pytest.mark.parametrize("hierarchical", [False, True])
def test_module_tree_of_a_state_network_adds_up(hierarchical):
    """Leaf modules of a memory network code physical nodes: the tree's module codelengths
    still add up to the memory codelength."""
    net = parse_state_network(nested_state_net(np.random.default_rng(12)).encode())
    r = memory_infomap(net, seed=1, hierarchical=hierarchical)
    view = type("View", (), {"paths": r.state_paths(), "module": r.module})()
    modules = module_tree(view, state_flow(net))
    assert sum(m.codelength for m in modules) == pytest.approx(r.codelength, abs=1e-9)
    assert len([m for m in modules if len(m.path) == 1]) == r.num_modules
