"""govkg: a knowledge graph of Chinese townships, villages and their programmes, built from
township government work reports.

The pipeline, one module a stage: :mod:`govkg.ingest` → :mod:`govkg.extract` →
:mod:`govkg.map` → :mod:`govkg.validate` → :mod:`govkg.store` → :mod:`govkg.queries` /
:mod:`govkg.publish`; :mod:`govkg.pipeline` runs them end to end.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import GovkgError  # noqa: E402


def query(name: str, store=None, **params):
    """Run a stored query by name and return its rows (``.rows``, ``.to_dataframe()``).

    ``store`` is a store folder (default: $GOVKG_STORE or ./.govkg/store); each keyword is a
    parameter, a list for a repeatable one.
    """
    from .queries import run
    from .store import GraphStore, default_store_path

    values = {k: (list(v) if isinstance(v, (list, tuple)) else [str(v)]) for k, v in params.items()}
    return run(name, GraphStore(store or default_store_path(), read_only=True), values)


__all__ = ["GovkgError", "query", "__version__"]
