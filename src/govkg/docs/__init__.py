"""Bilingual HTML documentation of the ontology, in the manner of pyLODE and WIDOCO.

:func:`write_docs` writes ``index.html`` with a table of contents, the namespace table, a
diagram of the model (:mod:`govkg.docs.diagram`), every class and property cross-linked to
the terms it names, an example statement as the pipeline writes it with the SPARQL from it to
its sentence (:mod:`govkg.docs.example`), the category, status and report-kind trees and the
units.  Beside it go the sample report and its whole graph in Turtle, which the page links to.
"""
from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .. import namespaces as ns
from ..errors import ResourceError
from ..resources import folder
from . import diagram
from .example import Example, example

NAMESPACE_TABLE = "namespaces.tsv"
# our concept schemes: namespace → the prefix of their anchors on the page
SCHEMES = ((ns.CAT, "cat-"), (ns.STATUS, "status-"), (ns.KIND, "kind-"), (ns.UNIT, "unit-"))
CHARACTERISTICS = ((OWL.FunctionalProperty, "functional"), (OWL.TransitiveProperty, "transitive"))

e = html.escape


def ontology_graph() -> rdflib.Graph:
    """The ontology, category scheme and units, with govkg's prefixes bound."""
    from ..ontology import ONTOLOGY_FILES

    g = rdflib.Graph()
    for name in ONTOLOGY_FILES:
        g.parse(str(folder("ontology") / name), format="turtle")
    for p, iri in ns.PREFIXES.items():
        g.bind(p, iri, override=True)
    return g


def namespace_rows() -> list[dict[str, str]]:
    """The rows of the namespace table: each prefix of govkg.namespaces.PREFIXES with its IRI
    and what it is, then the data's namespaces under the default base IRI."""
    p = folder("ontology") / "docs" / NAMESPACE_TABLE
    if not p.is_file():
        raise ResourceError(str(p), "shipped data file is missing", "reinstall govkg")
    with open(p, encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    described = {r["prefix"]: r for r in rows if r["prefix"]}
    out = [{"prefix": prefix, "iri": iri, "zh": described.get(prefix, {}).get("zh", ""),
            "en": described.get(prefix, {}).get("en", "")} for prefix, iri in ns.PREFIXES.items()]
    for r in rows:
        if not r["prefix"]:
            iri = r["iri"] if r["iri"].startswith(("http://", "https://")) else ns.DEFAULT_BASE + r["iri"]
            out.append({"prefix": "", "iri": iri, "zh": r["zh"], "en": r["en"]})
    return out


def _local(node, base: str) -> str:
    return str(node)[len(base):]


class Page:
    """The pieces of the page, sharing the graph and the set of anchors on it."""

    def __init__(self, g: rdflib.Graph):
        self.g = g
        self.terms = {kind: sorted((t for t in set(g.subjects(RDF.type, kind)) if str(t).startswith(ns.GW)), key=str)
                      for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)}
        self.anchors = {_local(t, ns.GW) for ts in self.terms.values() for t in ts}
        for base, prefix in SCHEMES:
            self.anchors |= {prefix + _local(c, base) for c in g.subjects(RDF.type, SKOS.Concept)
                             if str(c).startswith(base)}

    # --- names and links -----------------------------------------------------------------

    def label(self, node, lang: str) -> str:
        for p in (SKOS.prefLabel, RDFS.label):
            for o in self.g.objects(node, p):
                if getattr(o, "language", None) == lang:
                    return str(o)
        return ""

    def definition(self, node, lang: str) -> str:
        return next((str(o) for o in self.g.objects(node, SKOS.definition)
                     if getattr(o, "language", None) == lang), "")

    def href(self, iri: str) -> str | None:
        """Where a term's link goes: its anchor on the page if it is ours, else its own IRI
        (None for one of ours the page does not describe)."""
        if iri.startswith(ns.GW):
            return "#" + iri[len(ns.GW):] if iri[len(ns.GW):] in self.anchors else None
        for base, prefix in SCHEMES:
            if iri.startswith(base):
                return "#" + prefix + iri[len(base):] if prefix + iri[len(base):] in self.anchors else None
        if iri.startswith("https://w3id.org/govkg/"):
            return None
        return iri

    def link(self, node) -> str:
        qname = self.g.qname(node) if isinstance(node, rdflib.URIRef) else str(node)
        target = self.href(str(node)) if isinstance(node, rdflib.URIRef) else None
        code = f"<code>{e(qname)}</code>"
        return f'<a href="{e(target)}">{code}</a>' if target else code

    def links(self, nodes) -> str:
        return ", ".join(self.link(n) for n in sorted(set(nodes), key=str))

    _TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>|(?<![\w?$:/#])([a-z][a-z0-9]*):([A-Za-z_][\w-]*)')

    def linked_source(self, text: str) -> str:
        """Turtle or SPARQL, escaped for HTML, each prefixed name of a known prefix a link."""
        out, at = [], 0
        for m in self._TOKEN.finditer(text):
            out.append(e(text[at:m.start()]))
            at = m.end()
            if m.group(1) in ns.PREFIXES:
                iri = ns.PREFIXES[m.group(1)] + m.group(2)
                target = self.href(iri)
                out.append(f'<a href="{e(target)}">{e(m.group(0))}</a>' if target else e(m.group(0)))
            else:
                out.append(e(m.group(0)))
        out.append(e(text[at:]))
        return "".join(out)

    # --- sections --------------------------------------------------------------------------

    def namespaces(self) -> str:
        rows = []
        for i, r in enumerate(namespace_rows()):
            ident = f"ns-{r['prefix']}" if r["prefix"] else f"ns-data-{i}"
            prefix = f"<code>{e(r['prefix'])}:</code>" if r["prefix"] else "—"
            rows.append(f'<tr id="{e(ident)}"><td>{prefix}</td><td><code>{e(r["iri"])}</code></td>'
                        f'<td lang="zh">{e(r["zh"])}</td><td lang="en">{e(r["en"])}</td></tr>')
        return ('<table id="namespace-table"><tr><th>前缀 · prefix</th><th>IRI</th><th>中文</th>'
                '<th>English</th></tr>\n' + "\n".join(rows) + "</table>")

    def term_rows(self, kind) -> str:
        g, rows = self.g, []
        for t in self.terms[kind]:
            rel = []
            for p, name in ((RDFS.subClassOf, "subClassOf"), (RDFS.subPropertyOf, "subPropertyOf"),
                            (RDFS.domain, "domain"), (RDFS.range, "range"), (OWL.disjointWith, "disjointWith")):
                vals = [o for o in g.objects(t, p) if isinstance(o, rdflib.URIRef)]
                if p == OWL.disjointWith:
                    vals += [s for s in g.subjects(OWL.disjointWith, t) if isinstance(s, rdflib.URIRef)]
                if vals:
                    rel.append(f"{name}: {self.links(vals)}")
            if kind == OWL.Class:
                for p, name in ((RDFS.subClassOf, "subclasses"), (RDFS.domain, "in domain of"),
                                (RDFS.range, "in range of")):
                    vals = [s for s in g.subjects(p, t) if str(s).startswith(ns.GW)]
                    if vals:
                        rel.append(f"{name}: {self.links(vals)}")
            chars = [name for c, name in CHARACTERISTICS if (t, RDF.type, c) in g]
            if chars:
                rel.append(", ".join(chars))
            rows.append(
                f'<tr id="{e(_local(t, ns.GW))}"><td><code>{e(g.qname(t))}</code></td>'
                f'<td lang="zh">{e(self.label(t, "zh"))}<br><small>{e(self.definition(t, "zh"))}</small></td>'
                f'<td lang="en">{e(self.label(t, "en"))}<br><small>{e(self.definition(t, "en"))}</small></td>'
                f'<td><small>{"<br>".join(rel)}</small></td></tr>')
        return "\n".join(rows)

    def tree(self, base: str, prefix: str) -> str:
        g = self.g
        top = sorted((c for c in g.subjects(RDF.type, SKOS.Concept)
                      if str(c).startswith(base) and (c, SKOS.broader, None) not in g), key=str)

        def item(c) -> str:
            kids = sorted(g.subjects(SKOS.broader, c), key=str)
            alts = sorted(str(o) for o in g.objects(c, SKOS.altLabel))
            inner = "".join(item(k) for k in kids)
            local = _local(c, base)
            return (f'<li class="concept" id="{e(prefix + local)}"><code>{e(local)}</code> '
                    f'<span lang="zh">{e(self.label(c, "zh"))}</span> · <span lang="en">{e(self.label(c, "en"))}</span>'
                    + (f'<br><small lang="zh">{e("、".join(alts))}</small>' if alts else "")
                    + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
        return "<ul>" + "".join(item(c) for c in top) + "</ul>"

    def units(self) -> str:
        g, rows = self.g, []
        for u in sorted((c for c in g.subjects(RDF.type, SKOS.Concept) if str(c).startswith(ns.UNIT)), key=str):
            alts = "、".join(sorted(str(o) for o in g.objects(u, SKOS.altLabel)))
            std = [o for o in g.objects(u, SKOS.exactMatch) if isinstance(o, rdflib.URIRef)]
            factor = next((str(o) for o in g.objects(u, rdflib.URIRef(ns.QUDT + "conversionMultiplier"))), "")
            notes = "; ".join(str(o) for o in g.objects(u, SKOS.scopeNote))
            rows.append(
                f'<tr id="unit-{e(_local(u, ns.UNIT))}"><td><code>{e(g.qname(u))}</code></td>'
                f'<td lang="zh">{e(self.label(u, "zh"))}' + (f" <small>({e(alts)})</small>" if alts else "")
                + f'</td><td lang="en">{e(self.label(u, "en"))}</td><td>{self.links(std)}</td>'
                f'<td>{self.links(g.objects(u, rdflib.URIRef(ns.GW + "baseUnit")))}</td>'
                f'<td>{e(factor)}</td><td><small lang="en">{e(notes)}</small></td></tr>')
        return ('<table id="unit-table"><tr><th>unit</th><th>中文</th><th>English</th><th>QUDT</th>'
                '<th>基本单位 · base unit</th><th>× factor</th><th></th></tr>\n' + "\n".join(rows) + "</table>")

    def example(self, ex: Example, sample_href: str, graph_href: str) -> str:
        text = ex.text
        marked = (e(text[:ex.start]) + f'<mark id="example-quote">{e(text[ex.start:ex.end])}</mark>'
                  + e(text[ex.end:]))
        head = list(ex.answer[0])

        def c(qname: str) -> str:
            prefix, local = qname.split(":")
            return self.link(rdflib.URIRef(ns.PREFIXES[prefix] + local))
        answer = ("<table id=\"evidence-answer\"><tr>" + "".join(f"<th>?{e(h)}</th>" for h in head) + "</tr>"
                  + "".join("<tr>" + "".join(f"<td>{e(r.get(h, ''))}</td>" for h in head) + "</tr>"
                            for r in ex.answer) + "</table>")
        return f"""
<p lang="zh">下面的陈述不是手写的：生成本页时，govkg 用自己的读入、抽取与映射函数处理样例报告
<a href="{e(sample_href)}">{e(ex.sample.name)}</a>（全部三元组见 <a href="{e(graph_href)}">{e(Path(graph_href).name)}</a>），
取其中第一条点名了村并给出数量的陈述，原样写出。</p>
<p lang="en">The statement below is not typed by hand: when this page is written, govkg runs its own
ingest, extract and map functions over the sample report <a href="{e(sample_href)}">{e(ex.sample.name)}</a>
(every triple in <a href="{e(graph_href)}">{e(Path(graph_href).name)}</a>) and shows the first
statement that names a village and gives a figure, as the pipeline writes it.</p>
<h3 id="example-text">样例报告（规范化文本）· The sample report (normalised text)</h3>
<pre class="source" lang="zh">{marked}</pre>
<h3 id="example-statement">陈述及其证据 · The statement and its evidence (Turtle)</h3>
<pre class="source" id="example-turtle">{self.linked_source(ex.turtle)}</pre>
<h3 id="evidence-path">从陈述到原句 · From a statement to its sentence</h3>
<ol>
<li><span lang="zh">陈述的 {c("gw:evidence")} 指向一个 {c("oa:SpecificResource")}（证据片段），其 {c("oa:hasSource")} 是报告；陈述本身 {c("prov:wasDerivedFrom")} 同一报告。</span><br>
<span lang="en">The statement's {c("gw:evidence")} is an {c("oa:SpecificResource")} (the span) whose {c("oa:hasSource")} is the report; the statement is {c("prov:wasDerivedFrom")} that report.</span></li>
<li><span lang="zh">片段的 {c("oa:hasSelector")} 有两个：{c("oa:TextPositionSelector")}（{c("oa:start")} {ex.start}、{c("oa:end")} {ex.end}，按规范化文本的字符计，从0起，不含终点）和 {c("oa:TextQuoteSelector")}（{c("oa:exact")} 即原句）。</span><br>
<span lang="en">The span has two selectors ({c("oa:hasSelector")}): an {c("oa:TextPositionSelector")} ({c("oa:start")} {ex.start}, {c("oa:end")} {ex.end}, in characters of the normalised text, from 0, end excluded) and an {c("oa:TextQuoteSelector")} ({c("oa:exact")}, the sentence itself).</span></li>
<li><span lang="zh">报告的 {c("gw:sourcePath")} 说明它读自哪个文件，{c("gw:textLength")} 是规范化文本的长度。</span><br>
<span lang="en">The report's {c("gw:sourcePath")} says which file it was read from; {c("gw:textLength")} is the length of its normalised text.</span></li>
</ol>
<p lang="zh">这条 SPARQL（随 govkg 发布：ontology/docs/evidence-path.rq）沿此路径从陈述走到原句；下表是它在样例报告图上的结果。</p>
<p lang="en">This SPARQL (shipped with govkg as ontology/docs/evidence-path.rq) walks that path from the statement to its sentence; the table is its answer on the sample report's graph.</p>
<pre class="source" id="evidence-query">{self.linked_source(ex.query)}</pre>
{answer}
"""


def write_docs(out_dir: str | Path) -> Path:
    """Write the documentation into ``out_dir`` (created if need be): ``index.html``, the
    sample report and its graph in Turtle; return the page's path."""
    g = ontology_graph()
    page = Page(g)
    ex = example()
    onto = next(g.subjects(RDF.type, OWL.Ontology))

    def meta(p, lang):
        return next((str(o) for o in g.objects(onto, p) if getattr(o, "language", None) == lang), "")
    title = {lang: meta(rdflib.DCTERMS.title, lang) for lang in ("zh", "en")}
    desc = {lang: meta(rdflib.DCTERMS.description, lang) for lang in ("zh", "en")}
    version = next((str(o) for o in g.objects(onto, OWL.versionIRI)), "")
    licence = next((str(o) for o in g.objects(onto, rdflib.DCTERMS.license)), "")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ex.sample, out / ex.sample.name)
    graph_file = out / (ex.sample.stem + ".ttl")
    graph_file.write_text(ex.graph_turtle, encoding="utf-8")

    def toc_terms(kind) -> str:
        return ", ".join(f'<a href="#{e(_local(t, ns.GW))}">{e(_local(t, ns.GW))}</a>' for t in page.terms[kind])

    sections = (("namespaces", "命名空间", "Namespaces"), ("diagram", "模型图", "Diagram of the model"),
                ("classes", "类", "Classes"), ("object-properties", "对象属性", "Object properties"),
                ("datatype-properties", "数据属性", "Datatype properties"),
                ("example", "示例：陈述及其证据", "Example: a statement and its evidence"),
                ("categories", "工作类别", "Category tree"), ("statuses", "状态", "Statuses"),
                ("kinds", "报告类型", "Report kinds"), ("units", "计量单位", "Units"))
    sub = {"classes": toc_terms(OWL.Class), "object-properties": toc_terms(OWL.ObjectProperty),
           "datatype-properties": toc_terms(OWL.DatatypeProperty),
           "example": '<a href="#example-statement">Turtle</a>, <a href="#evidence-path">SPARQL</a>'}
    toc = "".join(f'<li><a href="#{i}">{zh} · {en}</a>' + (f"<br><small>{sub[i]}</small>" if i in sub else "")
                  + "</li>" for i, zh, en in sections)
    head = ('<table{id}><tr><th>term</th><th>中文</th><th>English</th><th>relations</th></tr>\n')

    html_page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{e(title['zh'])} · {e(title['en'])}</title>
<style>body{{font-family:sans-serif;max-width:72em;margin:auto;padding:1em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.3em;vertical-align:top}}code{{color:#a33}}a code{{color:#15c}}li.concept{{margin:.2em 0}}
pre.source{{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre-wrap}}
mark{{background:#fe9}}nav#toc li{{margin:.2em 0}}figure{{margin:0;overflow-x:auto}}</style>
</head><body>
<h1>{e(title['zh'])} · {e(title['en'])}</h1>
<p><code>{e(str(onto))}</code> — version <code>{e(version)}</code>{f' — licence <a href="{e(licence)}">{e(licence)}</a>' if licence else ''}</p>
<p lang="zh">{e(desc['zh'])}</p><p lang="en">{e(desc['en'])}</p>
<nav id="toc"><h2 id="contents">目录 · Contents</h2><ol>{toc}</ol></nav>
<h2 id="namespaces">命名空间 · Namespaces</h2>
<p lang="zh">本体与方案使用下列前缀；表末是数据 IRI 的命名空间（默认基础 IRI <code>{e(ns.DEFAULT_BASE)}</code>，可用 <code>govkg build --base</code> 更改）。</p>
<p lang="en">The ontology and schemes use these prefixes; the last rows are the namespaces of the data's IRIs (under the default base <code>{e(ns.DEFAULT_BASE)}</code>, set with <code>govkg build --base</code>).</p>
{page.namespaces()}
<h2 id="diagram">模型图 · Diagram of the model</h2>
<p lang="zh">方框是类（虚线框为复用的外部类），箭头是从定义域指向值域的对象属性，虚线空心箭头指向上位类。点击方框或属性名查看其说明。</p>
<p lang="en">Boxes are classes (dashed: classes reused from other vocabularies), arrows are object properties from domain to range, dashed hollow arrows point to a superclass. A box or a property's name links to its entry.</p>
<figure id="model-diagram">{diagram.svg(g)}</figure>
<h2 id="classes">类 · Classes</h2>
{head.format(id=' id="class-list"')}{page.term_rows(OWL.Class)}</table>
<h2 id="object-properties">对象属性 · Object properties</h2>
{head.format(id=' id="object-property-list"')}{page.term_rows(OWL.ObjectProperty)}</table>
<h2 id="datatype-properties">数据属性 · Datatype properties</h2>
{head.format(id=' id="datatype-property-list"')}{page.term_rows(OWL.DatatypeProperty)}</table>
<h2 id="example">示例：陈述及其证据 · Example: a statement and its evidence</h2>
{page.example(ex, ex.sample.name, graph_file.name)}
<h2 id="categories">工作类别 · Category tree</h2>
<div id="category-tree">{page.tree(ns.CAT, "cat-")}</div>
<h2 id="statuses">状态 · Statuses</h2>{page.tree(ns.STATUS, "status-")}
<h2 id="kinds">报告类型 · Report kinds</h2>{page.tree(ns.KIND, "kind-")}
<h2 id="units">计量单位 · Units</h2>
<p lang="zh">数量的单位（<code>qudt:unit</code>）；求和时按系数换算到基本单位（<a href="#normalisedValue"><code>gw:normalisedValue</code></a>）。</p>
<p lang="en">The units of quantities (<code>qudt:unit</code>); sums convert them to the base unit by the factor (<a href="#normalisedValue"><code>gw:normalisedValue</code></a>).</p>
{page.units()}
</body></html>
"""
    path = out / "index.html"
    path.write_text(html_page, encoding="utf-8")
    return path
