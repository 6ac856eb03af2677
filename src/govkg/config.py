"""The dataset's configuration: how the published graph describes itself.

A TOML file, found as ``--config FILE``, else ``$GOVKG_CONFIG``, else ``govkg.toml`` in the
working folder; every key is optional::

    [dataset]
    title = "某某旗乡镇工作报告知识图谱"       # Chinese title
    title_en = "Township work reports of …"  # English title
    description = "…"
    description_en = "…"
    license = "https://creativecommons.org/licenses/by/4.0/"
    publisher = "某某旗统计局"
    publisher_url = "https://example.gov.cn/"
    homepage = "https://example.gov.cn/govkg/"

>>> DatasetConfig().title_en
'Knowledge graph of township government work reports'
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import ResourceError

DEFAULT_NAME = "govkg.toml"


@dataclass(frozen=True)
class DatasetConfig:
    title: str = "乡镇政府工作报告知识图谱"
    title_en: str = "Knowledge graph of township government work reports"
    description: str = "由乡镇政府工作总结、政府工作报告抽取的乡镇、村（嘎查）及其工作事项，每条陈述可追溯至原文句子。"
    description_en: str = ("Townships, villages and the programmes they run, extracted from township "
                           "government work reports; every statement traces back to its sentence.")
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    publisher: str | None = None
    publisher_url: str | None = None
    homepage: str | None = None


def load_config(path: str | Path | None = None) -> DatasetConfig:
    """The dataset configuration from ``path``, $GOVKG_CONFIG or ./govkg.toml (defaults when
    none exists); a malformed file is a ResourceError naming it and the problem."""
    explicit = path or os.environ.get("GOVKG_CONFIG")
    p = Path(explicit) if explicit else Path.cwd() / DEFAULT_NAME
    if not p.is_file():
        if explicit:
            raise ResourceError(str(p), "configuration file not found")
        return DatasetConfig()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ResourceError(str(p), f"cannot be read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise ResourceError(str(p), f"is not valid TOML: {e}") from None
    section = data.get("dataset", {})
    known = {f.name for f in fields(DatasetConfig)}
    unknown = sorted(set(section) - known)
    if unknown or set(data) - {"dataset"}:
        raise ResourceError(str(p), f"unknown key(s) {', '.join(unknown or sorted(set(data) - {'dataset'}))}",
                            f"[dataset] takes {', '.join(sorted(known))}")
    bad = [k for k, v in section.items() if not isinstance(v, str)]
    if bad:
        raise ResourceError(str(p), f"[dataset] {bad[0]} must be a string")
    for key in IRI_KEYS:
        if key in section and not _is_iri(section[key]):
            # checked here, before a build spends its time, not when the description is written
            raise ResourceError(str(p), f"[dataset] {key} = '{section[key]}' is not an http(s) IRI",
                                "e.g. https://example.gov.cn/")
    return DatasetConfig(**section)


IRI_KEYS = ("license", "publisher_url", "homepage")


def _is_iri(value: str) -> bool:
    """An absolute http(s) IRI Oxigraph accepts.

    >>> _is_iri("https://creativecommons.org/licenses/by/4.0/"), _is_iri("CC BY 4.0"), _is_iri("http://a b/")
    (True, False, False)
    """
    import re

    import pyoxigraph as ox

    if not re.match(r"https?://[^\s/?#]+", value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
