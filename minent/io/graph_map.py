"""The coarse-grained map of an InfoMap result as a plain SVG picture.

The map equation describes a network by its modules and the flow between them; this draws
exactly that: one circle per top module, its *area* proportional to the module's flow (the
share of time a random walker spends in it), labelled by its number and the names of its
nodes with most flow; one line per pair of linked modules, its width proportional to the flow
between them (both directions added). Positions come from networkx's force-directed
``spring_layout`` on the module graph (link flow as weight, a fixed seed: the same result gives
the same picture), after which overlapping circles are pushed apart. Only the ``max_modules``
largest modules are drawn; the caption says how much flow the rest carry.

The SVG is self-contained text (no scripts, no external fonts or files): any browser, Inkscape
or a word processor shows it.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import numpy as np

#: qualitative palette (Tableau 10 and its light variants): neighbouring ranks differ in hue
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6",
           "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e"]


def _module_members(result, k: int, per_module: int) -> list[list[int]]:
    """Up to ``per_module`` nodes of each of the first k top modules, most flow first."""
    order = np.lexsort((np.arange(result.module.size), -result.flow, result.module))
    out: list[list[int]] = [[] for _ in range(k)]
    for i in order.tolist():
        m = int(result.module[i]) - 1
        if m < k and len(out[m]) < per_module:
            out[m].append(i)
    return out


def _text_width(text: str, font_size: float) -> float:
    """Rough rendered width: ideographs and full-width forms 1 em, other characters ~0.6 em."""
    return font_size * sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def _separate(center: np.ndarray, half: np.ndarray, gap: float, rounds: int = 400) -> np.ndarray:
    """Push overlapping boxes (centres, half extents) apart along the axis where they overlap
    least, both boxes half the way, until none overlap (or ``rounds`` passes)."""
    pos = center.copy()
    k = pos.shape[0]
    if k < 2:
        return pos
    iu = np.triu_indices(k, 1)
    for _ in range(rounds):
        d = pos[:, None, :] - pos[None, :, :]
        over = half[:, None, :] + half[None, :, :] + gap - np.abs(d)      # [k, k, 2]
        ov = over[iu]
        hit = (ov > 0).all(axis=1)
        if not hit.any():
            break
        i, j = iu[0][hit], iu[1][hit]
        ov = ov[hit]
        axis = np.argmin(ov, axis=1)
        sign = np.sign(d[i, j, axis])
        sign[sign == 0] = np.where((i + j) % 2 == 0, 1.0, -1.0)[sign == 0]   # coincident: split
        step = np.zeros((i.size, 2))
        step[np.arange(i.size), axis] = sign * (ov[np.arange(i.size), axis] / 2 + 1e-6)
        np.add.at(pos, i, step)
        np.add.at(pos, j, -step)
    return pos


def module_map_svg(result, modules, *, max_modules: int = 60, labels: int = 3, width: int = 1000,
                   seed: int = 1, title: str | None = None, names: list[list[str]] | None = None) -> str:
    """SVG text of the coarse-grained map of ``result`` (see the module docstring).

    modules: :func:`minent.io.graph_formats.module_tree` of the result (root first; its links
    are the flows between top modules). labels: node names shown per module, the nodes with
    most flow unless ``names`` gives them (per top module, best first; a state network's words).
    """
    import networkx as nx

    if max_modules < 1:
        raise ValueError(f"max_modules must be at least 1, got {max_modules}")
    root = modules[0]
    top = [m for m in modules if len(m.path) == 1]
    k_all = len(top)
    k = min(k_all, max_modules)
    flows = np.array([m.flow for m in top[:k]])
    rest_flow = float(sum(m.flow for m in top[k:]))
    H = nx.Graph()
    H.add_nodes_from(range(k))
    link_flow: dict = {}
    for (a, b), f in root.links.items():
        if a <= k and b <= k and a != b:
            key = (min(a, b) - 1, max(a, b) - 1)
            link_flow[key] = link_flow.get(key, 0.0) + f
    for (a, b), f in link_flow.items():
        H.add_edge(a, b, weight=f)
    # layout: spring forces on the module graph; radius ~ sqrt(flow) so area ~ flow
    if k == 1:
        pos = np.zeros((1, 2))
    else:
        layout = nx.spring_layout(H, weight="weight", seed=seed, iterations=200,
                                  k=1.5 / math.sqrt(k))
        pos = np.array([layout[i] for i in range(k)])
    # work in pixels: radius ~ sqrt(flow) (area ~ flow), the largest circle 5.5% of the width
    span = max(float(np.ptp(pos[:, 0])) if k > 1 else 0.0, float(np.ptp(pos[:, 1])) if k > 1 else 0.0, 1e-9)
    px = 0.8 * width / span
    r_px = np.maximum(0.055 * width * np.sqrt(flows / flows.max()), 5.0)
    if names is None:
        members = _module_members(result, k, labels)
        names = [[result.graph.names[j] for j in members[i]] for i in range(k)]
    font = np.clip(0.35 * r_px + 8, 10.0, 18.0)
    texts = []
    for i in range(k):
        who = ", ".join(names[i][:labels])
        texts.append(who if r_px[i] >= 14 else f"{i + 1}: {who}")
    tw = np.array([_text_width(t, f) for t, f in zip(texts, font)])
    # each module is a box: the circle with its label underneath
    half = np.column_stack([np.maximum(r_px, tw / 2), r_px + (font + 4) / 2])
    box = _separate(np.column_stack([pos[:, 0] * px, pos[:, 1] * px + (font + 4) / 2]), half, gap=6.0)
    xy = box - np.column_stack([np.zeros(k), (font + 4) / 2])
    # the drawing's extent becomes the viewBox; the picture is scaled to ``width`` as a whole
    margin, caption_h = 24.0, 44.0
    lo = (box - half).min(0) - margin
    hi = (box + half).max(0) + margin
    vb_w = max(hi[0] - lo[0], 600.0)
    lo[0] -= (vb_w - (hi[0] - lo[0])) / 2
    xy = xy - lo
    vb_h = hi[1] - lo[1] + caption_h
    height = int(math.ceil(width * vb_h / vb_w))
    f_max = max(link_flow.values()) if link_flow else 1.0
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {vb_w:.1f} {vb_h:.1f}" font-family="\'Noto Sans CJK SC\', \'Source Han Sans SC\', '
        f'\'PingFang SC\', \'Microsoft YaHei\', sans-serif">',
        f'<title>{escape(title or "Map of the modules")}</title>',
        f'<rect width="{vb_w:.1f}" height="{vb_h:.1f}" fill="#ffffff"/>',
        '<g stroke="#555555" stroke-linecap="round" fill="none">',
    ]
    for (a, b), f in sorted(link_flow.items(), key=lambda kv: kv[1]):
        w = 0.5 + 11.5 * f / f_max
        op = 0.1 + 0.6 * f / f_max
        out.append(f'<line x1="{xy[a, 0]:.1f}" y1="{xy[a, 1]:.1f}" x2="{xy[b, 0]:.1f}" y2="{xy[b, 1]:.1f}" '
                   f'stroke-width="{w:.2f}" stroke-opacity="{op:.2f}"><title>modules {a + 1} - {b + 1}: '
                   f'flow {f:.4g}</title></line>')
    out.append("</g>")
    out.append('<g stroke="#ffffff" stroke-width="1.5">')
    for i in range(k):
        who = ", ".join(names[i][:labels])
        out.append(f'<circle cx="{xy[i, 0]:.1f}" cy="{xy[i, 1]:.1f}" r="{r_px[i]:.1f}" '
                   f'fill="{PALETTE[i % len(PALETTE)]}" fill-opacity="0.9"><title>module {i + 1}: flow '
                   f'{flows[i]:.4g}, exit {top[i].exit_flow:.4g}; {escape(who)}</title></circle>')
    out.append("</g>")
    out.append('<g text-anchor="middle" fill="#222222">')
    for i in range(k):
        fs = font[i]
        if r_px[i] >= 14:
            out.append(f'<text x="{xy[i, 0]:.1f}" y="{xy[i, 1] + 0.35 * fs:.1f}" font-size="{fs:.1f}" '
                       f'font-weight="bold" fill="#ffffff">{i + 1}</text>')
        out.append(f'<text x="{xy[i, 0]:.1f}" y="{xy[i, 1] + r_px[i] + fs + 1:.1f}" font-size="{fs:.1f}" '
                   f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(texts[i])}</text>')
    out.append("</g>")
    caption = (f"{k_all} modules, codelength {result.codelength:.4f} bits "
               f"(one-level {result.one_level_codelength:.4f}); circle area = flow, line width = flow between modules")
    if k < k_all:
        caption += f"; {k_all - k} smaller modules ({100 * rest_flow:.1f}% of the flow) not drawn"
    out.append(f'<text x="{vb_w / 2:.1f}" y="{vb_h - 16:.1f}" font-size="13" text-anchor="middle" '
               f'fill="#555555">{escape(caption)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
