"""What a query may ask the engine to do: no federated ``SERVICE`` calls unless allowed.

A SPARQL ``SERVICE <url>`` makes the engine fetch that URL and put its answer (or its error,
with the target's body) into the result: sent to ``govkg serve`` by any web page, it reaches
ports and hosts the user never meant to expose.  Every query govkg runs — stored, from a
``.rq`` file, or sent to the served endpoint — passes :func:`check_query` first; a
``SERVICE`` is refused unless its IRI starts with an entry of the user's allow-list.

The scan is lexical, over the text the engine would parse: codepoint escapes (``\\u0053``)
are applied first, as the SPARQL grammar says, then strings, IRIs and comments are set
apart, so a ``SERVICE`` inside a literal or a comment is no call and one spelled in escapes
is still one.
"""
from __future__ import annotations

import re

from .errors import QueryError

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<str>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<service>(?<![\w?$:.\-])SERVICE(?![\w:\-]))
""", re.VERBOSE | re.IGNORECASE)
_TARGET = re.compile(r"\s*(?:SILENT\s+)?(<[^<>\"{}|^`\\\x00-\x20]*>)?", re.IGNORECASE)


def unescape(text: str) -> str:
    r"""The query text with SPARQL codepoint escapes applied (what the engine parses).

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    def one(m: re.Match) -> str:
        cp = int(m.group(1) or m.group(2), 16)
        return chr(cp) if cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF else m.group(0)
    return _CODEPOINT.sub(one, text)


def service_calls(text: str) -> list[str | None]:
    """The target of every ``SERVICE`` in a query: its IRI, or None (a variable or a prefixed
    name, which the guard cannot check).

    >>> service_calls('SELECT * { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }')
    ['http://127.0.0.1:9/x']
    >>> service_calls('SELECT * { ?s ?p "SERVICE <http://a/>" } # SERVICE <http://b/>')
    []
    >>> service_calls('SELECT * { ?service ?p ?o . SERVICE ?where { ?s ?p ?o } }')
    [None]
    """
    text = unescape(text)
    out: list[str | None] = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "service":
            t = _TARGET.match(text, m.end())
            out.append(t.group(1)[1:-1] if t and t.group(1) else None)
    return out


def check_query(text: str, where: str, allow: tuple[str, ...] = ()) -> None:
    """Raise :class:`QueryError` if the query calls a ``SERVICE`` not on the allow-list
    (IRI prefixes the user gave with ``--allow-service``).

    >>> check_query("SELECT * { ?s ?p ?o }", "q.rq")
    >>> check_query("SELECT * { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }", "q.rq")
    Traceback (most recent call last):
    ...
    govkg.errors.QueryError: q.rq: SERVICE <http://10.0.0.1/sparql> is refused: govkg runs no federated query unless allowed (to allow it: --allow-service http://10.0.0.1/sparql)
    """
    for target in service_calls(text):
        if target is None:
            raise QueryError(where, "SERVICE with a variable or prefixed name is refused: "
                             "govkg runs no federated query to a target it cannot check",
                             "write the service's full IRI and allow it with --allow-service")
        if not any(a and target.startswith(a) for a in allow):
            raise QueryError(where, f"SERVICE <{target}> is refused: govkg runs no federated query "
                             "unless allowed", f"to allow it: --allow-service {target}")
