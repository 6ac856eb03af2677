"""The one locator for govkg's data folders: ontology/, mappings/, shapes/, queries/.

In an installed wheel they sit inside the package under ``govkg/_data``; in a source checkout
(editable install, or running from the tree) they sit at the repository's top level.

>>> (folder("queries") / "villages-with-all-categories.rq").is_file()
True
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ResourceError

FOLDERS = ("ontology", "mappings", "shapes", "queries")


def folder(name: str) -> Path:
    """Return the directory holding the shipped data folder ``name``."""
    if name not in FOLDERS:
        raise ResourceError(name, f"unknown data folder; expected one of {', '.join(FOLDERS)}")
    packaged = Path(str(resources.files("govkg"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise ResourceError(name, "data folder not found in the package or the source tree",
                        "reinstall govkg")


def path(name: str, filename: str) -> Path:
    """Return the path of a shipped data file, raising ResourceError if it is missing."""
    p = folder(name) / filename
    if not p.is_file():
        raise ResourceError(str(p), "shipped data file is missing", "reinstall govkg")
    return p
