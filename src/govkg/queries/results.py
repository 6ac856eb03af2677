"""Answers: rows of RDF terms as Python values, tables, CSV and spreadsheets."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import one_line


@dataclass
class Rows:
    """Rows of a SELECT answer: ``columns`` and ``rows`` of python values (str/int/float)."""

    columns: list[str]
    terms: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]

    @property
    def rows(self) -> list[dict]:
        return [{c: _py(t) for c, t in zip(self.columns, r)} for r in self.terms]

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.rows)

    def to_dataframe(self):
        """The rows as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_csv(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        w.writerow(self.columns)
        for r in self.rows:
            w.writerow(["" if r[c] is None else spreadsheet_safe(r[c]) for c in self.columns])
        return out.getvalue()

    def to_text(self) -> str:
        """The rows as a plain aligned text table (see :func:`plain_table`), newline-ended."""
        return plain_table(self.columns, self.rows) + "\n"

    def to_xlsx(self, target, sheet: str = "govkg") -> None:
        """Write the rows as an Excel workbook to ``target`` (a path or a binary file): one
        sheet, a bold header row frozen at the top, numbers as numbers."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", sheet)[:31] or "govkg")
        ws.freeze_panes = "A2"
        rows = self.rows
        for i, c in enumerate(self.columns, 1):
            width = max([len(c)] + [len(cell_text(r[c])) for r in rows[:200]])
            ws.column_dimensions[get_column_letter(i)].width = min(80, 2 * width + 2)
        header = []
        for c in self.columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for r in rows:
            ws.append([_text_cell(ws, r[c]) for c in self.columns])
        wb.save(target)

    def to_json(self) -> str:
        """SPARQL 1.1 query results JSON."""
        bindings = []
        for r in self.terms:
            b = {}
            for c, t in zip(self.columns, r):
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    b[c] = {"type": "uri", "value": t.value}
                elif isinstance(t, ox.BlankNode):
                    b[c] = {"type": "bnode", "value": t.value}
                else:
                    d = {"type": "literal", "value": t.value}
                    if t.language:
                        d["xml:lang"] = t.language
                    elif t.datatype and t.datatype.value != ns.XSD + "string":
                        d["datatype"] = t.datatype.value
                    b[c] = d
            bindings.append(b)
        return json.dumps({"head": {"vars": self.columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value):
    r"""A CSV cell a spreadsheet will not run: text starting with ``= + - @`` (or a tab or CR)
    gets a leading ``'``, as OWASP advises; numbers, negative ones included, stay numbers.

    >>> spreadsheet_safe('=HYPERLINK("http://x/","点")'), spreadsheet_safe("-12.5"), spreadsheet_safe(3)
    ('\'=HYPERLINK("http://x/","点")', '-12.5', 3)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_cell(ws, value):
    """An xlsx cell: text stays text (openpyxl would store ``=…`` as a formula, run on open)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def cell_text(value) -> str:
    """A result value as table text: empty for unbound."""
    return "" if value is None else str(value)


def plain_table(columns: list[str], rows: list[dict]) -> str:
    """Rows as plain text: columns aligned by display width (a Chinese character is two
    columns wide), nothing cut, no box drawing; what a pipe or a file should receive.

    >>> print(plain_table(["村", "n"], [{"村": "后查巴灯", "n": 2}, {"村": "双宝", "n": 11}]))
    村        n
    后查巴灯  2
    双宝      11
    """
    from rich.cells import cell_len

    cells = [[one_line(cell_text(r[c]).replace("\n", " ")) for c in columns] for r in rows]
    widths = [max([cell_len(c)] + [cell_len(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(list(columns))] + [line(row) for row in cells])


def _py(t):
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(t.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            f = float(t.value)
            return int(f) if f.is_integer() else f
        return t.value
    return t.value


_LIST = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)\s*AS\s+\?(\w+)',
                   re.IGNORECASE)


def _sorted_lists(text: str, cols: list[str], terms: list[list]) -> list[list]:
    """Each GROUP_CONCAT column's items in sorted order, and an empty list an empty cell:
    SPARQL leaves the order to the store (and Oxigraph leaves a list of no item unbound where
    Virtuoso gives ""), and the same query should print the same answer whichever store gave it.

    >>> q = 'SELECT ?t (GROUP_CONCAT(DISTINCT ?v; SEPARATOR=", ") AS ?vs) WHERE {}'
    >>> _sorted_lists(q, ["t", "vs"], [[ox.Literal("x"), ox.Literal("甲, 乙")]])[0][1].value
    '乙, 甲'
    """
    lists = {cols.index(col): sep.replace('\\"', '"') for sep, col in _LIST.findall(text) if col in cols and sep}
    if not lists:
        return terms
    out = []
    for row in terms:
        row = list(row)
        for i, sep in lists.items():
            cell = row[i]
            if isinstance(cell, ox.Literal) and cell.value == "":
                row[i] = None       # an empty list: unbound in Oxigraph, "" in Virtuoso
            elif isinstance(cell, ox.Literal) and sep in cell.value:
                joined = sep.join(sorted(cell.value.split(sep)))
                row[i] = (ox.Literal(joined, language=cell.language) if cell.language
                          else ox.Literal(joined, datatype=cell.datatype))
        out.append(row)
    return out
