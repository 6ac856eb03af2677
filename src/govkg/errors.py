"""One exception hierarchy for govkg.

Every error names where the problem is (a file, a line, a rule, a parameter) and, where it
helps, what to do.  The CLI turns these into one-line messages and exit codes; the library
never exits.

>>> e = IngestError("a.txt", "the file is empty")
>>> str(e)
'a.txt: the file is empty'
"""
from __future__ import annotations


import re

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    r"""Text safe to print on one line of a terminal: newlines and other control characters
    (ESC sequences a file name may hold) shown escaped, everything else, Chinese included, as is.

    >>> one_line("坏\n名\x1b[31m.txt")
    '坏\\n名\\x1b[31m.txt'
    """
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r"}.get(m.group(0), f"\\x{ord(m.group(0)):02x}"), text)


class GovkgError(Exception):
    """Base of every error govkg raises on purpose."""

    exit_code = 2

    def __init__(self, where: str | None, problem: str, hint: str | None = None):
        self.where = where
        self.problem = problem
        self.hint = hint
        super().__init__(self.message)

    @property
    def reason(self) -> str:
        """The problem and what to do, without the place."""
        return f"{self.problem} ({self.hint})" if self.hint else self.problem

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.message


class IngestError(GovkgError):
    """A report file could not be read: empty, binary, broken, undecodable or unsupported."""


class ResourceError(GovkgError):
    """A shipped or user data file (lexicon, ontology, rule, shape, query) is missing or malformed."""


class MappingError(GovkgError):
    """A mapping rule failed to run."""


class ValidationError(GovkgError):
    """Validation could not run (not: the data does not conform, which is a result)."""


class StoreError(GovkgError):
    """The store could not be opened or written."""


class QueryError(GovkgError):
    """A stored query is unknown, malformed, or was given bad parameters."""


class PushError(GovkgError):
    """A push to a remote store failed; ``pushed`` and ``not_pushed`` list the graphs that did
    and did not get through (a rerun sends the rest)."""

    pushed: list[str] = []
    not_pushed: list[str] = []


class ServeError(GovkgError):
    """The SPARQL endpoint could not be started."""
