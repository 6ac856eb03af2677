"""The model as an inline SVG diagram: classes as boxes, object properties as arrows.

Drawn from the ontology graph with a small layered layout (the Sugiyama scheme, cut down):
arrows point down from domain to range, subclass arrows from a class to its superclass; a
class sits one row below the lowest class pointing at it, an arrow crossing several rows is
routed through a slot of its own in each row it crosses, and each row is ordered by where
its neighbours sit.  Classes no arrow touches share a last row.  Every box of a ``gw:`` class
links to the class's entry on the page; an outside class links to its IRI.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from .. import namespaces as ns

GAP_X, GAP_Y, MARGIN, LINE, PAD = 28, 64, 16, 16, 6
LOOP = 90          # room to the right of a box with an arrow to itself
DUMMY = 14         # the slot an arrow takes in a row it crosses
WRAP = 1100        # the last row wraps here


@dataclass
class Node:
    key: str                          # the class IRI, or a generated key for a routing slot
    qname: str = ""
    lines: list[str] = field(default_factory=list)
    href: str = ""
    ours: bool = True
    dummy: bool = False
    layer: int = 0
    x: float = 0.0                    # centre
    y: float = 0.0                    # top
    w: float = DUMMY
    h: float = 0.0
    loop: bool = False


@dataclass
class Edge:
    src: str
    dst: str
    kind: str                         # "property" or "subclass"
    prop: str = ""                    # the property's IRI
    label: str = ""
    href: str = ""
    chain: list[str] = field(default_factory=list)   # src, routing slots…, dst


def _text_width(s: str) -> float:
    return sum(12.5 if ord(ch) > 0x2e80 else 7.2 for ch in s)


def _is_gw_class(g: rdflib.Graph, c) -> bool:
    return isinstance(c, rdflib.URIRef) and str(c).startswith(ns.GW) and (c, RDF.type, OWL.Class) in g


def model(g: rdflib.Graph) -> tuple[dict[str, Node], list[Edge]]:
    """The boxes and arrows the diagram shows: every gw: class; every gw: object property
    with a class as domain and as range, one end at least a gw: class (an outside end gets a
    box of its own, which arrows between outside boxes may then join); subclass arrows
    between gw: classes (an outside superclass is written in its subclass's box)."""
    def label(c, lang):
        return next((str(o) for o in g.objects(c, RDFS.label) if getattr(o, "language", None) == lang), "")

    classes = sorted((c for c in g.subjects(RDF.type, OWL.Class) if _is_gw_class(g, c)), key=str)
    nodes: dict[str, Node] = {}
    for c in classes:
        lines = [g.qname(c), " · ".join(x for x in (label(c, "zh"), label(c, "en")) if x)]
        lines += [f"⊑ {g.qname(s)}" for s in sorted(g.objects(c, RDFS.subClassOf), key=str)
                  if isinstance(s, rdflib.URIRef) and not _is_gw_class(g, s)]
        nodes[str(c)] = Node(str(c), g.qname(c), lines, "#" + str(c)[len(ns.GW):])

    props = sorted((p for p in g.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(ns.GW)), key=str)
    pairs = [(p, d, r) for p in props
             for d in sorted(g.objects(p, RDFS.domain), key=str) if isinstance(d, rdflib.URIRef)
             for r in sorted(g.objects(p, RDFS.range), key=str) if isinstance(r, rdflib.URIRef)]
    for p, d, r in pairs:
        if str(d) in nodes or str(r) in nodes:
            for end in (d, r):
                if str(end) not in nodes:
                    nodes[str(end)] = Node(str(end), g.qname(end), [g.qname(end)], str(end), ours=False)
    edges = [Edge(str(d), str(r), "property", str(p), g.qname(p), "#" + str(p)[len(ns.GW):])
             for p, d, r in pairs if str(d) in nodes and str(r) in nodes]
    edges += [Edge(str(c), str(s), "subclass") for c in classes
              for s in sorted(g.objects(c, RDFS.subClassOf), key=str) if _is_gw_class(g, s)]
    return nodes, edges


def _layer(nodes: dict[str, Node], edges: list[Edge]) -> int:
    """Rows by longest path over the arrows (a back arrow of a cycle is left out of the count
    and drawn upwards); returns the row of classes no arrow touches."""
    succ: dict[str, list[str]] = {k: [] for k in nodes}
    for e in edges:
        if e.src != e.dst:
            succ[e.src].append(e.dst)
    state: dict[str, int] = {}
    dag: list[tuple[str, str]] = []

    def visit(n: str) -> None:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                continue                     # a back arrow
            dag.append((n, m))
            if m not in state:
                visit(m)
        state[n] = 2
    for n in nodes:
        if n not in state:
            visit(n)
    for _ in nodes:
        changed = False
        for a, b in dag:
            if nodes[b].layer < nodes[a].layer + 1:
                nodes[b].layer, changed = nodes[a].layer + 1, True
        if not changed:
            break
    touched = {e.src for e in edges} | {e.dst for e in edges}
    last = max((nodes[k].layer for k in touched), default=-1) + 1
    for k, n in nodes.items():
        if k not in touched:
            n.layer = last
        n.loop = any(e.src == k and e.dst == k for e in edges)
    return last


def _route(nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Give every arrow a routing slot in each row it crosses."""
    for i, e in enumerate(edges):
        a, b = nodes[e.src].layer, nodes[e.dst].layer
        step = 1 if b > a else -1
        e.chain = [e.src]
        for layer in range(a + step, b, step) if abs(b - a) > 1 else ():
            key = f"slot-{i}-{layer}"
            nodes[key] = Node(key, dummy=True, layer=layer)
            e.chain.append(key)
        e.chain.append(e.dst)


def _order(nodes: dict[str, Node], edges: list[Edge], rows: int) -> list[list[str]]:
    """Each row ordered by the mean place of its neighbours in the rows above and below."""
    layers = [[k for k, n in nodes.items() if n.layer == r] for r in range(rows)]
    up: dict[str, list[str]] = {k: [] for k in nodes}
    down: dict[str, list[str]] = {k: [] for k in nodes}
    for e in edges:
        for a, b in zip(e.chain, e.chain[1:]):
            if a != b:
                upper, lower = (a, b) if nodes[a].layer < nodes[b].layer else (b, a)
                down[upper].append(lower)
                up[lower].append(upper)
    pos = {k: i for row in layers for i, k in enumerate(row)}
    for sweep in range(6):
        seq = range(1, rows) if sweep % 2 == 0 else range(rows - 2, -1, -1)
        for r in seq:
            near = up if sweep % 2 == 0 else down
            row = layers[r]
            row.sort(key=lambda k: (sum(pos[m] for m in near[k]) / len(near[k]) if near[k] else pos[k]))
            for i, k in enumerate(row):
                pos[k] = i
    return layers


def _place(nodes: dict[str, Node], layers: list[list[str]], edges: list[Edge], isolated: int) -> tuple[float, float]:
    for n in nodes.values():
        if not n.dummy:
            n.w = max(_text_width(s) for s in n.lines) + 2 * PAD + 4
            n.h = LINE * len(n.lines) + 2 * PAD

    def room(n: Node) -> float:
        return n.w + (LOOP if n.loop else 0)

    neighbours: dict[str, list[str]] = {k: [] for k in nodes}
    for e in edges:
        for a, b in zip(e.chain, e.chain[1:]):
            if a != b:
                neighbours[a].append(b)
                neighbours[b].append(a)
    # start packed from the left, then pull each box towards its neighbours without overlap
    for r, row in enumerate(layers):
        if r == isolated:
            continue
        x = MARGIN
        for k in row:
            nodes[k].x = x + nodes[k].w / 2
            x += room(nodes[k]) + GAP_X
    for _ in range(8):
        for r, row in enumerate(layers):
            if r == isolated or not row:
                continue
            want = [sum(nodes[m].x for m in neighbours[k]) / len(neighbours[k]) if neighbours[k] else nodes[k].x
                    for k in row]
            placed: list[float] = []
            for i, k in enumerate(row):
                x = want[i]
                if i:
                    prev = nodes[row[i - 1]]
                    x = max(x, placed[-1] - prev.w / 2 + room(prev) + GAP_X + nodes[k].w / 2)
                placed.append(x)
            shift = sum(w - p for w, p in zip(want, placed)) / len(row)   # recentre on the wishes
            for k, x in zip(row, placed):
                nodes[k].x = x + shift
    left = min(n.x - n.w / 2 for n in nodes.values() if n.layer != isolated) if len(layers) > 1 else MARGIN
    for n in nodes.values():
        n.x += MARGIN - left
    width = max([n.x - n.w / 2 + room(n) for n in nodes.values() if n.layer != isolated] + [WRAP]) + MARGIN
    y = MARGIN
    for r, row in enumerate(layers):
        if r == isolated:
            continue
        h = max((nodes[k].h for k in row), default=0)
        for k in row:
            nodes[k].y = y + (h - nodes[k].h) / 2 if not nodes[k].dummy else y
            if nodes[k].dummy:
                nodes[k].h = h
        y += h + GAP_Y
    # classes no arrow touches: packed in rows of their own, wrapped
    x, row_h = MARGIN, 0.0
    for k in layers[isolated] if isolated < len(layers) else ():
        n = nodes[k]
        if x > MARGIN and x + n.w > width - MARGIN:
            x, y, row_h = MARGIN, y + row_h + GAP_X, 0.0
        n.x, n.y = x + n.w / 2, y
        x += n.w + GAP_X
        row_h = max(row_h, n.h)
    return width, y + row_h + MARGIN


def _ports(nodes: dict[str, Node], edges: list[Edge]) -> dict[tuple[int, int], float]:
    """Where each arrow leaves and enters its boxes: spread along the box's side in the order
    of the boxes at the other end, so that arrows sharing a box do not start at one point.
    Keyed by (arrow index, 0 for its start or 1 for its end): the offset from the centre."""
    sides: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    for i, e in enumerate(edges):
        if e.src == e.dst:
            continue
        down = nodes[e.dst].layer >= nodes[e.src].layer
        sides.setdefault((e.src, "bottom" if down else "top"), []).append((nodes[e.chain[1]].x, i, 0))
        sides.setdefault((e.dst, "top" if down else "bottom"), []).append((nodes[e.chain[-2]].x, i, 1))
    ports = {}
    for (key, _), ends in sides.items():
        ends.sort()
        span = nodes[key].w * 0.7
        for j, (_, i, end) in enumerate(ends):
            ports[(i, end)] = span * ((j + 0.5) / len(ends) - 0.5)
    return ports


def _points(nodes: dict[str, Node], e: Edge, start: float, end: float) -> list[tuple[float, float]]:
    pts = []
    downwards = nodes[e.dst].layer >= nodes[e.src].layer
    for i, k in enumerate(e.chain):
        n = nodes[k]
        if n.dummy:
            pts += [(n.x, n.y), (n.x, n.y + n.h)] if downwards else [(n.x, n.y + n.h), (n.x, n.y)]
        elif i == 0:
            pts.append((n.x + start, n.y + n.h if downwards else n.y))
        else:
            pts.append((n.x + end, n.y if downwards else n.y + n.h))
    return pts


def svg(g: rdflib.Graph) -> str:
    """The diagram as an ``<svg>`` element for an HTML page (ids start ``diagram-``)."""
    e_ = html.escape
    nodes, edges = model(g)
    isolated = _layer(nodes, edges)
    _route(nodes, edges)
    layers = _order(nodes, edges, isolated + 1)
    width, height = _place(nodes, layers, edges, isolated)

    parts = [f'<svg id="diagram-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="diagram-title" '
             'style="max-width:100%;height:auto;font:12px sans-serif">',
             '<title id="diagram-title">类与对象属性 · Classes and object properties</title>',
             '<defs><marker id="diagram-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
             'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#345"/></marker>'
             '<marker id="diagram-inherit" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="11" '
             'markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L12,6 L0,12 z" fill="#fff" '
             'stroke="#777"/></marker></defs>']
    labels: list[tuple[float, float, float, float]] = []

    def free(x: float, y: float, w: float) -> bool:
        box = (x - w / 2 - 2, y - 11, x + w / 2 + 2, y + 4)
        return all(box[2] < a or box[0] > c or box[3] < b or box[1] > d for a, b, c, d in labels) and \
            all(box[2] < n.x - n.w / 2 or box[0] > n.x + n.w / 2 or box[3] < n.y or box[1] > n.y + n.h
                for n in nodes.values() if not n.dummy)

    ports = _ports(nodes, edges)
    loops: dict[str, int] = {}
    for n_edge, e in enumerate(edges):
        attrs = (f'data-property="{e_(e.label)}" data-domain="{e_(nodes[e.src].qname)}" '
                 f'data-range="{e_(nodes[e.dst].qname)}"' if e.kind == "property" else
                 f'data-sub="{e_(nodes[e.src].qname)}" data-super="{e_(nodes[e.dst].qname)}"')
        style = ('stroke="#345" marker-end="url(#diagram-arrow)"' if e.kind == "property" else
                 'stroke="#777" stroke-dasharray="4 3" marker-end="url(#diagram-inherit)"')
        if e.src == e.dst:
            i = loops[e.src] = loops.get(e.src, -1) + 1
            n = nodes[e.src]
            r, y0, y1 = n.x + n.w / 2, n.y + n.h * 0.25 + i * 6, n.y + n.h * 0.75 + i * 6
            d = f"M{r:.1f},{y0:.1f} C{r + 46:.1f},{y0 - 14:.1f} {r + 46:.1f},{y1 + 14:.1f} {r:.1f},{y1:.1f}"
            lx, ly = r + 40 + _text_width(e.label) / 2, (y0 + y1) / 2 + 4 + i * 14
        else:
            pts = _points(nodes, e, ports[(n_edge, 0)], ports[(n_edge, 1)])
            d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            (x0, y0), (x1, y1) = pts[0], pts[1]
            lx, ly = x0 + (x1 - x0) * 0.5, y0 + (y1 - y0) * 0.5
            for t in (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
                cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + 4
                if free(cx, cy, _text_width(e.label)):
                    lx, ly = cx, cy
                    break
        parts.append(f'<g class="{"arrow" if e.kind == "property" else "subclass"}" {attrs}>'
                     f'<path d="{d}" fill="none" {style}/>')
        if e.label:
            labels.append((lx - _text_width(e.label) / 2 - 2, ly - 11, lx + _text_width(e.label) / 2 + 2, ly + 4))
            parts.append(f'<a href="{e_(e.href)}"><text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" '
                         f'fill="#345" stroke="#fff" stroke-width="3" paint-order="stroke">{e_(e.label)}</text></a>')
        parts.append("</g>")
    for n in nodes.values():
        if n.dummy:
            continue
        x = n.x - n.w / 2
        border = 'stroke="#345"' if n.ours else 'stroke="#889" stroke-dasharray="3 2"'
        fill = "#eef4fb" if n.ours else "#f6f6f6"
        text = "".join(f'<text x="{n.x:.1f}" y="{n.y + PAD + LINE * (j + 1) - 4:.1f}" text-anchor="middle"'
                       + (' font-weight="bold"' if j == 0 else ' fill="#444"') + f'>{e_(s)}</text>'
                       for j, s in enumerate(n.lines))
        parts.append(f'<g class="box" data-term="{e_(n.qname)}"><a href="{e_(n.href)}">'
                     f'<rect x="{x:.1f}" y="{n.y:.1f}" width="{n.w:.1f}" height="{n.h:.1f}" rx="4" '
                     f'fill="{fill}" {border}/>{text}</a></g>')
    parts.append("</svg>")
    return "\n".join(parts)
