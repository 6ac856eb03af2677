"""Every shape, broken on purpose, reports its violation: no shape can pass vacuously.

A valid graph of one example report is mutated once per constraint; the constraint's own
message must come back.  The list of mutations must cover every sh:message of shapes/.
"""
import rdflib
import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD

from govkg.extract import extract
from govkg.ingest import read_report
from govkg.map import map_facts
from govkg.validate import shapes_graph, to_rdflib, validate_graph

from conftest import EXAMPLES

GW = Namespace("https://w3id.org/govkg/def#")
OA = Namespace("http://www.w3.org/ns/oa#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
EX = Namespace("https://example.org/")
ORG = Namespace("http://www.w3.org/ns/org#")


def one(g, cls, having=None):
    for s in sorted(g.subjects(RDF.type, cls)):
        if having is None or (s, having, None) in g:
            return s
    raise LookupError(cls)


def add(g, *triples):
    for t in triples:
        g.add(t)


def put(g, s, p, o):
    g.remove((s, p, None))
    g.add((s, p, o))


def drop(g, s, p):
    g.remove((s, p, None))


def stmt(g, having=None):
    return one(g, GW.ActivityStatement, having)


def selector(g, kind):
    ev = next(g.objects(stmt(g), GW.evidence))
    return next(s for s in g.objects(ev, OA.hasSelector) if (s, RDF.type, kind) in g)


def bigger_village_figure(g):
    st = stmt(g, GW.quantity)
    total, village = EX.total, EX.villageFigure
    for q, v in ((total, "10"), (village, "99")):
        g.add((st, GW.quantity, q))
        g.add((q, RDF.type, GW.Quantity))
        g.add((q, QUDT.numericValue, Literal(v, datatype=XSD.decimal)))
        g.add((q, QUDT.unit, URIRef("https://w3id.org/govkg/def/unit/mu")))
    g.add((village, GW.forVillage, one(g, GW.Village)))


MUTATIONS = {
    "A report needs exactly one 64-hex-digit content hash":
        lambda g: put(g, one(g, GW.Report), GW.sha256, Literal("not-a-hash")),
    "A report needs its file name": lambda g: drop(g, one(g, GW.Report), GW.fileName),
    "A report needs a positive text length":
        lambda g: put(g, one(g, GW.Report), GW.textLength, Literal(0)),
    "The report kind must come from the report-kind scheme":
        lambda g: put(g, one(g, GW.Report), GW.reportKind, EX.memo),
    "A report is issued by exactly one township": lambda g: drop(g, one(g, GW.Report), GW.issuedBy),
    "A report covers at most one period":
        lambda g: add(g, (one(g, GW.Report), GW.period, EX.p9), (EX.p9, RDF.type, GW.Period),
                      (EX.p9, GW.periodCode, Literal("2021")), (EX.p9, GW.year, Literal("2021", datatype=XSD.gYear))),
    "A report date is an xsd:date, gYearMonth or gYear":
        lambda g: put(g, one(g, GW.Report), DCT.date, Literal("next spring")),
    "A report has at most one document number":
        lambda g: add(g, (one(g, GW.Report), GW.documentNumber, Literal("又一个文号")),
                      (one(g, GW.Report), GW.documentNumber, Literal("第三个文号"))),
    "An evidence span must lie inside the report text and match its quote's length":
        lambda g: put(g, selector(g, OA.TextPositionSelector), OA.end, Literal(999999)),
    "A village-level figure is larger than the township total of the same statement": bigger_village_figure,
    "A township has exactly one name": lambda g: drop(g, one(g, GW.Township), GW.name),
    "A township lies in at most one county-level unit":
        lambda g: add(g, (one(g, GW.Township, GW.inCounty), GW.inCounty, EX.county2),
                      (EX.county2, RDF.type, GW.CountyLevelUnit), (EX.county2, GW.name, Literal("另一县"))),
    "A county-level unit has exactly one name": lambda g: drop(g, one(g, GW.CountyLevelUnit), GW.name),
    "A village has exactly one name, never a placeholder (XX)":
        lambda g: put(g, one(g, GW.Village), GW.name, Literal("XX")),
    "A village lies in exactly one township": lambda g: drop(g, one(g, GW.Village), GW.inTownship),
    "A statement has one category from the category scheme":
        lambda g: put(g, stmt(g), GW.category, URIRef("https://w3id.org/govkg/def/category/no-such")),
    "A statement has one status: achieved, ongoing or planned":
        lambda g: put(g, stmt(g), GW.status, URIRef("https://w3id.org/govkg/def/status/done")),
    "A statement is about at most one period":
        lambda g: add(g, (stmt(g, GW.period), GW.period, EX.p2), (EX.p2, RDF.type, GW.Period),
                      (EX.p2, GW.periodCode, Literal("2021")), (EX.p2, GW.year, Literal("2021", datatype=XSD.gYear))),
    "A statement belongs to one township": lambda g: drop(g, stmt(g), GW.township),
    "A statement is derived from exactly one report": lambda g: drop(g, stmt(g), PROV.wasDerivedFrom),
    "A statement needs its evidence span": lambda g: drop(g, stmt(g), GW.evidence),
    "A statement's place is a village": lambda g: put(g, stmt(g, GW.place), GW.place, one(g, GW.Township)),
    "A stated village count is a positive integer":
        lambda g: put(g, stmt(g, GW.statedVillageCount), GW.statedVillageCount, Literal(0)),
    "A statement's figure is a gw:Quantity": lambda g: g.add((stmt(g), GW.quantity, EX.notAQuantity)),
    "Evidence points to one report":
        lambda g: drop(g, next(g.objects(stmt(g), GW.evidence)), OA.hasSource),
    "Evidence has one non-negative start offset":
        lambda g: put(g, selector(g, OA.TextPositionSelector), OA.start, Literal(-1)),
    "Evidence has the exact quote": lambda g: drop(g, selector(g, OA.TextQuoteSelector), OA.exact),
    "A quantity has one non-negative xsd:decimal value":
        lambda g: put(g, one(g, GW.Quantity), QUDT.numericValue, Literal("-5", datatype=XSD.decimal)),
    "A quantity has one unit from the units table":
        lambda g: put(g, one(g, GW.Quantity), QUDT.unit, URIRef("https://w3id.org/govkg/def/unit/furlong")),
    "A normalised value is a non-negative decimal":
        lambda g: put(g, one(g, GW.Quantity), GW.normalisedValue, Literal("-1", datatype=XSD.decimal)),
    "A period code is YYYY, YYYY-H1/H2 or YYYY-Q1…Q4":
        lambda g: put(g, one(g, GW.Period), GW.periodCode, Literal("2023-H3")),
    "A period has one year": lambda g: drop(g, one(g, GW.Period), GW.year),
    "A statement's section is review or plan": lambda g: put(g, stmt(g), GW.section, Literal("problem")),
    "A statement's organisation is an org:FormalOrganization":
        lambda g: g.add((stmt(g), GW.organisation, one(g, GW.Village))),
    "An organisation has exactly one name": lambda g: drop(g, one(g, ORG.FormalOrganization), GW.name),
    "An organisation is one of cooperative, company or agency":
        lambda g: g.remove((one(g, ORG.FormalOrganization), RDF.type, GW.Company)),
    "An organisation works in a township": lambda g: drop(g, one(g, ORG.FormalOrganization), PROV.atLocation),
    "A normalised unit comes from the units table":
        lambda g: put(g, one(g, GW.Quantity), GW.normalisedUnit, EX.furlong),
    "The approximate mark is a boolean":
        lambda g: put(g, one(g, GW.Quantity), GW.approximate, Literal("about")),
    "The cumulative mark is a boolean":
        lambda g: put(g, one(g, GW.Quantity), GW.cumulative, Literal("yes")),
    "A register unit has exactly one name": lambda g: drop(g, one(g, GW.RegisterUnit), GW.name),
    "A register unit has one level: province, city, county, township or village":
        lambda g: put(g, one(g, GW.RegisterUnit), GW.registerLevel, Literal("hamlet")),
    "A register unit has at most one parent unit":
        lambda g: g.add((one(g, GW.RegisterUnit, GW.registerParent), GW.registerParent, one(g, GW.Township))),
    "A place links to at most one register unit":
        lambda g: add(g, (one(g, GW.Village, GW.registerEntry), GW.registerEntry, EX.otherEntry),
                      (EX.otherEntry, RDF.type, GW.RegisterUnit), (EX.otherEntry, GW.name, Literal("别的村")),
                      (EX.otherEntry, GW.registerLevel, Literal("village"))),
    "A link score is a decimal from 0 to 1":
        lambda g: put(g, one(g, GW.Village, GW.linkScore), GW.linkScore, Literal("1.5", datatype=XSD.decimal)),
    "A register candidate is a register unit":
        lambda g: g.add((one(g, GW.Village), GW.registerCandidate, one(g, GW.Township))),
    "A village-level figure points to one village":
        lambda g: put(g, one(g, GW.Quantity), GW.forVillage, one(g, GW.Township)),
}


# breaks that necessarily break something else too
CONSEQUENCES = {
    "A report needs a positive text length":
        {"An evidence span must lie inside the report text and match its quote's length"},
    "Evidence has one non-negative start offset":      # a span from -1 is longer than its quote
        {"An evidence span must lie inside the report text and match its quote's length"},
}


@pytest.fixture(scope="module")
def valid_graph():
    from govkg.register import Register, link_facts

    facts = extract(read_report(EXAMPLES / "qingshi-2023.txt"))
    kulun = read_report(EXAMPLES.parents[1] / "tests" / "fixtures" / "register" / "kulun-2023.txt")
    facts += link_facts(extract(kulun), kulun.text, Register())   # register links and units too
    g = to_rdflib(map_facts(facts))
    assert validate_graph(g).conforms and not validate_graph(g).findings
    return g


def test_every_shape_message_has_a_mutation_that_breaks_it():
    shapes = shapes_graph()
    messages = {str(m) for m in shapes.objects(None, SH.message) if getattr(m, "language", None) == "en"}
    assert messages == set(MUTATIONS)


@pytest.mark.parametrize("message", sorted(MUTATIONS))
def test_breaking_a_shape_reports_its_violation(valid_graph, message):
    g = rdflib.Graph()
    for t in valid_graph:
        g.add(t)
    MUTATIONS[message](g)
    outcome = validate_graph(g)
    got = {f.message_en: f for f in outcome.findings}
    assert message in got, sorted(got)
    assert set(got) == {message} | CONSEQUENCES.get(message, set()), "the planted break must be the only thing wrong"
    finding = got[message]
    assert finding.message_zh                      # every message comes in Chinese too
    expected = "Warning" if "larger than the township total" in message else "Violation"
    assert finding.severity == expected
    assert outcome.conforms == (expected == "Warning")
