"""minent infomap vs the `infomap` package (mapequation Infomap), side by side (docs/algorithms.md §4).

    python -m benchmarks.bench_infomap [--quick] [--skip-speed] [--skip-lfr] [--skip-hier] [--skip-big] [--big-ref]
                                       [--skip-interop] [--only-interop] [--skip-states] [--only-states]

1. Speed at equal codelength: two-level, 1 trial, 1 thread, after JIT warm-up, same process,
   on a planted-partition graph (500 blocks) and a uniform random graph of 100k nodes / 1M
   links (--quick: 20k / 200k). Times cover flow + search (the reference's run(), our
   infomap()); both CPU and wall seconds are reported because the machine may be shared.
2. Quality on networkx LFR graphs (n=1000, tau1=3, tau2=1.5, <k>=20, k_max=50, c_min=20,
   mu=0.1..0.6, 3 seeds): codelength against the reference and NMI against the planted
   communities; 1 trial each, the same seed.
3. Hierarchical (--hierarchical against the reference's default multilevel search), 1 trial,
   1 thread, same process, after warm-up: the LFR graphs of 2. (one seed each) and planted
   graphs of 20k/200k and 100k/1M (--quick: 20k only), codelength, levels and CPU seconds.
4. End to end: `minent infomap graph.tsv -o modules.tsv` on a planted graph of 1M nodes /
   10M links (--quick: 200k / 2M), parse and output included, with the CPU seconds and peak
   RSS of the process and the 1-minute load average when it started; --big-ref also runs the
   reference's command line (`infomap graph.tsv outdir --two-level --clu`) on the same file.
4. The networkx ecosystem, side by side with the reference's Python API on the same objects:
   infomap() on an nx.Graph (conversion included) vs Infomap.add_networkx_graph + run; a
   GraphML file read (networkx's parser) and clustered; --preferred-number-of-modules at the
   same K; writing .ftree (minent's module tree + writer vs the reference's write_flow_tree);
   drawing the --map SVG. Planted graph 50k/500k (--quick: 10k/100k).
5. Memory (state) networks, two-level and hierarchical, 1 trial, 1 thread: a synthetic state
   network (states in 200 planted blocks, 4 states per physical node) of 100k states / 1M links
   (--quick: 20k / 200k) and the second-order word network of the SIGHAN PKU gold files
   (`cooccurrence_states`, min_count 2) and of the characters of the Tang/Song poems (all 321k
   lines: 628k states / 1.43M links, the most frequent character has 2809 states; --quick: the
   first 100k lines, 324k links; --poem-lines N: the first N), when ../shared is present: minent's memory_infomap vs
   the reference's run (--two-level, or its default multilevel search) on the same states and
   links; levels = depth of the deepest leaf module.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from benchmarks._common import print_table, run_measured  # noqa: E402
from minent.graph.infomap import infomap  # noqa: E402
from minent.io.graph import Graph  # noqa: E402


def planted(n: int, m: int, blocks: int, mu: float, seed: int):
    """m links: each picks a block, a source in it and (prob 1-mu) a target in it, else anywhere."""
    rng = np.random.default_rng(seed)
    size = n // blocks
    b = rng.integers(0, blocks, m)
    s = b * size + rng.integers(0, size, m)
    t = np.where(rng.random(m) >= mu, b * size + rng.integers(0, size, m), rng.integers(0, n, m))
    keep = s != t
    return s[keep], t[keep], np.arange(n) // size


def uniform(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    s, t = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = s != t
    return s[keep], t[keep], None


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information (arithmetic mean normalisation, as sklearn's default)."""
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    n = a.size
    joint = np.bincount(a * (b.max() + 1) + b).astype(float)
    joint = joint[joint > 0] / n
    pa = np.bincount(a) / n
    pb = np.bincount(b) / n
    h = lambda p: -np.sum(p[p > 0] * np.log(p[p > 0]))  # noqa: E731
    mi = h(pa) + h(pb) - h(joint)
    denom = (h(pa) + h(pb)) / 2
    return 1.0 if denom == 0 else float(mi / denom)


def make_graph(s, t, n) -> Graph:
    return Graph([str(i) for i in range(n)], np.arange(n), s.astype(np.int64), t.astype(np.int64),
                 np.ones(s.size))


def run_reference(s, t, seed=1, trials=1):
    import infomap as ref

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = ref.Infomap(two_level=True, num_trials=trials, seed=seed, silent=True, num_threads=1)
        im.add_links(list(zip(s.tolist(), t.tolist())))
        c0, w0 = time.process_time(), time.perf_counter()
        res = im.run()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        modules = res.modules()
        return cpu, wall, res.codelength, res.num_top_modules, modules


def speed(quick: bool) -> None:
    n, m = (20_000, 200_000) if quick else (100_000, 1_000_000)
    infomap(make_graph(*planted(600, 6000, 20, 0.2, 0)[:2], 600), seed=1)  # JIT warm-up
    rows = []
    for name, (s, t, truth) in [(f"planted {n // 1000}k/{m // 1000}k", planted(n, m, 500, 0.2, 1)),
                                (f"random {n // 1000}k/{m // 1000}k", uniform(n, m, 2))]:
        g = make_graph(s, t, n)
        c0, w0 = time.process_time(), time.perf_counter()
        r = infomap(g, seed=1)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        rcpu, rwall, rlen, rmods, _ = run_reference(s, t)
        row = [name, r.num_modules, rmods, f"{r.codelength:.6f}", f"{rlen:.6f}",
               f"{r.codelength - rlen:+.1e}", cpu, rcpu, cpu / rcpu, wall, rwall, wall / rwall]
        if truth is not None:
            row.insert(3, f"{nmi(truth, r.module):.4f}")
        else:
            row.insert(3, "-")
        rows.append(row)
    print("\n## speed: two-level, 1 trial, 1 thread (seconds; ratio = minent / reference)")
    print_table(["graph", "modules", "ref modules", "NMI", "L minent", "L ref", "dL",
                 "cpu", "ref cpu", "cpu ratio", "wall", "ref wall", "wall ratio"], rows)


def lfr_graph(mu: float, seed: int):
    """(links, planted communities) of a networkx LFR graph (n=1000, ...), or None."""
    import networkx as nx

    for attempt in range(10):
        try:
            G = nx.LFR_benchmark_graph(1000, 3, 1.5, mu, average_degree=20, max_degree=50,
                                       min_community=20, seed=seed * 100 + attempt)
            break
        except nx.ExceededMaxIterations:
            continue
    else:
        return None
    G.remove_edges_from(nx.selfloop_edges(G))
    truth = np.zeros(1000, np.int64)
    for c, com in enumerate({frozenset(G.nodes[v]["community"]) for v in G}):
        truth[list(com)] = c
    return np.array(list(G.edges())), truth


def _cpu_per_run(run, min_seconds: float = 1.0):
    """(result, CPU seconds per run): ``run()`` returns (result, its timed CPU seconds) and is
    repeated until min_seconds of those have passed, so that the 10 ms graphs are timed as
    well as the big ones."""
    result, total = run()
    runs = 1
    while total < min_seconds:
        total += run()[1]
        runs += 1
    return result, total / runs


def hierarchical(quick: bool) -> None:
    import infomap as ref

    infomap(make_graph(*planted(600, 6000, 20, 0.2, 0)[:2], 600), seed=1, hierarchical=True)
    graphs = []
    for mu in ([0.1, 0.3, 0.5] if quick else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]):
        found = lfr_graph(mu, 1)
        if found is not None:
            e = found[0]
            graphs.append((f"LFR mu={mu}", e[:, 0], e[:, 1], 1000))
    for n, m, blocks in ([(20_000, 200_000, 500)] if quick else
                         [(20_000, 200_000, 500), (100_000, 1_000_000, 500)]):
        s, t, _ = planted(n, m, blocks, 0.2, 1)
        graphs.append((f"planted {n // 1000}k/{m // 1000}k", s, t, n))
    rows = []
    for name, s, t, n in graphs:
        g = make_graph(s, t, n)

        def ours():
            c0 = time.process_time()
            r = infomap(g, seed=1, hierarchical=True)
            return r, time.process_time() - c0

        def reference():
            # as in the speed section: the reference's run() (flow + search), links added before
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im = ref.Infomap(two_level=False, num_trials=1, seed=1, silent=True, num_threads=1)
                im.add_links(links)
                c0 = time.process_time()
                res = im.run()
                return res, time.process_time() - c0

        links = list(zip(s.tolist(), t.tolist()))
        (r, cpu), (res, rcpu) = _cpu_per_run(ours), _cpu_per_run(reference)
        rows.append([name, r.num_modules, res.num_top_modules, max(len(p) for p in r.paths),
                     res.num_levels, f"{r.codelength:.6f}", f"{res.codelength:.6f}",
                     f"{r.codelength - res.codelength:+.1e}", f"{cpu:.4f}", f"{rcpu:.4f}",
                     cpu / rcpu])
    print("\n## hierarchical: --hierarchical vs the reference's multilevel search, 1 trial, 1 thread "
          "(CPU seconds per run, runs repeated for at least 1 s; ratio = minent / reference)")
    print_table(["graph", "top modules", "ref top", "levels", "ref levels", "L minent", "L ref", "dL",
                 "cpu", "ref cpu", "cpu ratio"], rows)


def lfr(quick: bool) -> None:

    mus = [0.1, 0.3, 0.5] if quick else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    seeds = [1] if quick else [1, 2, 3]
    rows = []
    for mu in mus:
        for seed in seeds:
            found = lfr_graph(mu, seed)
            if found is None:
                rows.append([mu, seed, "generator failed", "", "", "", "", "", ""])
                continue
            e, truth = found
            r = infomap(make_graph(e[:, 0], e[:, 1], 1000), seed=1)
            _, _, rlen, rmods, rmod = run_reference(e[:, 0], e[:, 1])
            ref_labels = np.array([rmod.get(i, -1) for i in range(1000)])
            rows.append([mu, seed, int(truth.max()) + 1, r.num_modules, rmods,
                         f"{r.codelength:.6f}", f"{rlen:.6f}",
                         f"{(r.codelength - rlen) / rlen:+.1e}",
                         f"{nmi(truth, r.module):.4f}", f"{nmi(truth, ref_labels):.4f}"])
    print("\n## LFR quality (n=1000, tau1=3, tau2=1.5, <k>=20, kmax=50, cmin=20; 1 trial each)")
    print_table(["mu", "seed", "planted", "modules", "ref modules", "L minent", "L ref",
                 "rel dL", "NMI", "ref NMI"], rows)


def _clu_labels(path: Path, n: int, sep: str | None) -> np.ndarray:
    """Module of nodes 0..n-1 from our TSV (sep "\t") or a reference .clu file (sep None)."""
    found = {}
    with open(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                node, module = line.split(sep)[:2]
                found[int(node)] = int(module)
    return np.array([found[i] for i in range(n)])


def end_to_end(quick: bool, with_ref: bool) -> None:
    import resource

    from minent.graph.infomap.flow import codelength, compute_flow

    n, m = (200_000, 2_000_000) if quick else (1_000_000, 10_000_000)
    s, t, truth = planted(n, m, 500 if quick else 5000, 0.2, 3)
    flow = compute_flow(make_graph(s, t, n))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.tsv"
        with open(path, "w") as fh:
            step = 1_000_000
            for lo in range(0, s.size, step):
                fh.write("\n".join(f"{a}\t{b}" for a, b in zip(s[lo:lo + step].tolist(),
                                                             t[lo:lo + step].tolist())))
                fh.write("\n")
        size_mb = path.stat().st_size / 2**20
        out = Path(tmp) / "modules.tsv"
        runs = [("minent infomap", [sys.executable, "-m", "minent", "infomap", str(path), "-o", str(out),
                                    "--seed", "1", "-q"], out, "\t")]
        if with_ref:
            # the reference's own command line: its reader, search and .clu writer, 1 thread
            exe = Path(sys.executable).with_name("infomap")
            runs.append(("reference infomap CLI", [str(exe), str(path), tmp, "--two-level", "-N", "1",
                                                   "--seed", "1", "--silent", "--clu"],
                         Path(tmp) / "graph.clu", None))
        for name, cmd, result, sep in runs:
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, rss = run_measured(cmd)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            labels = _clu_labels(result, n, sep)
            rows.append([name, f"planted {n // 1000}k/{m // 1_000_000}M", size_mb, s.size,
                         int(labels.max()), int(truth.max()) + 1, f"{nmi(truth, labels):.4f}",
                         f"{codelength(flow, labels - 1)[0]:.6f}", wall, cpu, rss, f"{load:.1f}"])
    print("\n## end to end: a planted graph from file to modules, parse and output included")
    print_table(["command", "graph", "file MB", "links", "modules", "planted", "NMI", "L", "wall s",
                 "cpu s", "peak RSS MiB", "load"], rows)


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def interop(quick: bool) -> None:
    import resource

    warnings.simplefilter("ignore")   # the reference's deprecation notices
    import infomap as ref
    import networkx as nx

    from minent.graph.infomap.flow import result_flow
    from minent.graph.infomap.tree import module_tree
    from minent.io.graph_formats import ftree_lines
    from minent.io.graph_map import module_map_svg
    from minent.io.graph_nx import read_networkx_file

    n, m = (10_000, 100_000) if quick else (50_000, 500_000)
    s, t, truth = planted(n, m, 100, 0.3, 5)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(s.tolist(), t.tolist()))
    infomap(nx.karate_club_graph(), seed=1, preferred_number_of_modules=3)   # JIT warm-up
    rows = []

    def reference(add, **kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = ref.Infomap(two_level=True, seed=1, silent=True, num_threads=1, **kw)
            add(im)
            im.run()
            return im

    r, cpu, wall = _timed(lambda: infomap(G, seed=1))
    im, rcpu, rwall = _timed(lambda: reference(lambda im: im.add_networkx_graph(G)))
    rows.append(["infomap(nx.Graph)", r.num_modules, im.num_top_modules, f"{r.codelength:.6f}",
                 f"{im.codelength:.6f}", cpu, rcpu, cpu / rcpu, wall, rwall, wall / rwall])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.graphml"
        nx.write_graphml(G, path)

        def read_ref():
            H = nx.read_graphml(path)
            return reference(lambda im: im.add_networkx_graph(H))

        r2, cpu, wall = _timed(lambda: infomap(read_networkx_file(path, "graphml"), seed=1))
        im, rcpu, rwall = _timed(read_ref)
        rows.append(["GraphML file -> modules", r2.num_modules, im.num_top_modules, f"{r2.codelength:.6f}",
                     f"{im.codelength:.6f}", cpu, rcpu, cpu / rcpu, wall, rwall, wall / rwall])
        K = 50
        r3, cpu, wall = _timed(lambda: infomap(G, seed=1, preferred_number_of_modules=K))
        im, rcpu, rwall = _timed(lambda: reference(lambda im: im.add_networkx_graph(G),
                                                   preferred_number_of_modules=K))
        rows.append([f"preferred modules K={K}", r3.num_modules, im.num_top_modules, f"{r3.codelength:.6f}",
                     f"{im.codelength:.6f}", cpu, rcpu, cpu / rcpu, wall, rwall, wall / rwall])
        out = Path(tmp) / "mine.ftree"

        def write_mine():
            with open(out, "w") as fh:
                for line in ftree_lines(r, module_tree(r, result_flow(r))):
                    fh.write(line + "\n")

        ref_im = reference(lambda im: im.add_networkx_graph(G))
        _, cpu, wall = _timed(write_mine)
        _, rcpu, rwall = _timed(lambda: ref_im.write_flow_tree(str(Path(tmp) / "ref.ftree")))
        rows.append(["write .ftree", r.num_modules, ref_im.num_top_modules, "", "", cpu, rcpu, cpu / rcpu,
                     wall, rwall, wall / rwall])
        _, cpu, wall = _timed(lambda: module_map_svg(r, module_tree(r, result_flow(r))))
        rows.append(["draw --map SVG", r.num_modules, "", "", "", cpu, "-", "-", wall, "-", "-"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n## networkx ecosystem: planted {n // 1000}k/{m // 1000}k, 1 trial, 1 thread "
          f"(seconds; ratio = minent / reference; peak RSS of this process {peak:.0f} MiB)")
    print_table(["task", "modules", "ref modules", "L minent", "L ref", "cpu", "ref cpu", "cpu ratio",
                 "wall", "ref wall", "wall ratio"], rows)


def states(quick: bool, poem_lines: int | None = None) -> None:
    import resource

    import infomap as ref

    from minent.graph.infomap.memory import StateNetwork, memory_infomap

    warnings.simplefilter("ignore")
    nets = []
    n, m, n_phys, blocks = (20_000, 200_000, 5_000, 50) if quick else (100_000, 1_000_000, 25_000, 200)
    rng = np.random.default_rng(1)
    phys = rng.integers(0, n_phys, n)
    block = rng.integers(0, blocks, n)
    order = np.argsort(block, kind="stable")
    starts = np.searchsorted(block[order], np.arange(blocks + 1))
    s = rng.integers(0, n, m)
    b = block[s]
    inside = order[starts[b] + (rng.random(m) * (starts[b + 1] - starts[b])).astype(np.int64)]
    t = np.where(rng.random(m) < 0.8, inside, rng.integers(0, n, m))
    keep = s != t
    g = Graph([str(i) for i in range(n)], np.arange(1, n + 1), s[keep], t[keep], np.ones(int(keep.sum())), True)
    nets.append((f"synthetic {n // 1000}k states/{m // 1000}k", StateNetwork(g, phys, [str(i) for i in range(n_phys)],
                                                                          np.arange(1, n_phys + 1))))
    from benchmarks._common import SHARED_DATA

    gold = [SHARED_DATA / "sighan2005" / f for f in ("pku_dev_gold.utf8", "pku_test_gold.utf8")]
    if all(p.exists() for p in gold):
        from minent.graph.cooccur import cooccurrence_states

        lines = [line for p in gold for line in p.read_text(encoding="utf-8").splitlines()]
        nets.append(("PKU gold 2nd-order words", cooccurrence_states(lines, min_count=2)))
    poems = SHARED_DATA / "corpora" / "poems_tang_song.txt.gz"
    if poems.exists():
        import gzip
        from itertools import islice

        from minent.graph.cooccur import cooccurrence_states

        # characters as words: frequent characters have thousands of states
        with gzip.open(poems, "rt", encoding="utf-8") as fh:
            lines = [" ".join(line.strip()) for line in islice(fh, poem_lines or (100_000 if quick else None))]
        net = cooccurrence_states(lines, min_count=2)
        nets.append((f"poems 2nd-order chars {net.graph.n_edges // 1000}k", net))
    tiny = StateNetwork(Graph(["a", "b", "c"], np.arange(1, 4), np.array([0, 1]), np.array([1, 2]), np.ones(2), True),
                        np.array([0, 1, 0]), ["x", "y"], np.arange(1, 3))
    memory_infomap(tiny)   # JIT warm-up
    memory_infomap(tiny, hierarchical=True)
    rows = []
    for name, net in nets:
        for hierarchical in (False, True):
            r, cpu, wall = _timed(lambda: memory_infomap(net, seed=1, hierarchical=hierarchical))

            def reference():
                im = ref.Infomap(two_level=not hierarchical, silent=True, directed=True, seed=1, num_threads=1)
                for i, p in enumerate(net.physical.tolist()):
                    im.add_state_node(i, p)
                im.add_links(list(zip(net.graph.src.tolist(), net.graph.dst.tolist(), net.graph.weight.tolist())))
                return im.run()

            res, rcpu, rwall = _timed(reference)
            levels = max(len(p) for p in r.paths) - 1 if hierarchical else 1
            rows.append([name, "hierarchical" if hierarchical else "two-level", net.n_physical, net.n_states,
                         net.graph.n_edges, r.num_modules, res.num_top_modules, levels, res.num_levels - 1,
                         f"{r.codelength:.6f}", f"{res.codelength:.6f}", len(r.overlapping()),
                         cpu, rcpu, cpu / rcpu, wall, rwall, wall / rwall])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n## memory (state) networks: 1 trial, 1 thread (seconds, reference's add_* included; "
          f"ratio = minent / reference; peak RSS of this process {peak:.0f} MiB)")
    print_table(["network", "search", "physical", "states", "links", "modules", "ref modules", "levels",
                 "ref levels", "L minent", "L ref", "overlapping", "cpu", "ref cpu", "cpu ratio", "wall",
                 "ref wall", "wall ratio"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small graphs, for a quick look")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-lfr", action="store_true")
    ap.add_argument("--skip-hier", action="store_true")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-interop", action="store_true")
    ap.add_argument("--skip-states", action="store_true")
    ap.add_argument("--only-states", action="store_true", help="only the memory (state) network section")
    ap.add_argument("--poem-lines", type=int, default=None,
                    help="state networks: the first N lines of the poems (default: all; --quick: 100000)")
    ap.add_argument("--only-interop", action="store_true", help="only the networkx ecosystem section")
    ap.add_argument("--big-ref", action="store_true",
                    help="also run the reference's command line end to end on the big graph (slow)")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.only_interop or args.only_states:
        if args.only_interop:
            interop(args.quick)
        if args.only_states:
            states(args.quick, args.poem_lines)
        return
    if not args.skip_speed:
        speed(args.quick)
    if not args.skip_lfr:
        lfr(args.quick)
    if not args.skip_hier:
        hierarchical(args.quick)
    if not args.skip_big:
        end_to_end(args.quick, args.big_ref)
    if not args.skip_interop:
        interop(args.quick)
    if not args.skip_states:
        states(args.quick, args.poem_lines)


if __name__ == "__main__":
    main()
