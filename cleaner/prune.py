"""HTML pruning before extraction: the mission's boxes, by class and id, as XPath.

The tokens are data (``cleaner/data/prune.yaml``): per kind, whole class
tokens or ids, and prefixes of them. ``prune_xpath()`` turns them into the
XPath expressions that ``trafilatura.extract(prune_xpath=...)`` removes from
the page before it looks for the main text, so a newsletter box or a cookie
banner never reaches the text rules.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "prune.yaml"
# Elements that hold the whole page or the article (or five paragraphs or more: a
# box does not): never pruned, whatever their class.
_KEEP = "not(self::html or self::body or self::main or self::article) and not((.//p)[5])"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _lower(attr: str) -> str:
    return f"translate({attr}, '{_UPPER}', '{_UPPER.lower()}')"


def _quote(token: str) -> str:
    if "'" in token or '"' in token:
        raise ValueError(f"prune token {token!r} must not contain quotes")
    return f"'{token.lower()}'"


def token_tests(tokens: list[str], prefixes: list[str]) -> list[str]:
    """XPath tests for an element whose class or id is one of ``tokens`` or starts with a prefix."""
    cls = f"concat(' ', normalize-space({_lower('@class')}), ' ')"
    ident = _lower("@id")
    tests = []
    for t in tokens:
        tests.append(f"contains({cls}, {_quote(' ' + t + ' ')})")
        tests.append(f"{ident} = {_quote(t)}")
    for p in prefixes:
        tests.append(f"contains({cls}, {_quote(' ' + p)})")
        tests.append(f"starts-with({ident}, {_quote(p)})")
    return tests


def load(path: Path = DATA) -> dict[str, dict[str, list[str]]]:
    """The prune data: kind -> {"tokens": [...], "prefixes": [...]}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of kinds")
    out = {}
    for kind, spec in data.items():
        if not isinstance(spec, dict) or set(spec) - {"tokens", "prefixes"}:
            raise ValueError(f"{path}: {kind}: expected 'tokens' and/or 'prefixes' lists")
        out[kind] = {k: [str(t) for t in spec.get(k) or []] for k in ("tokens", "prefixes")}
    return out


@lru_cache(maxsize=4)
def prune_xpath(path: Path = DATA) -> tuple[str, ...]:
    """One XPath expression per kind, for ``trafilatura.extract(prune_xpath=...)``."""
    exprs = []
    for spec in load(path).values():
        tests = token_tests(spec["tokens"], spec["prefixes"])
        if tests:
            exprs.append(f"//*[{_KEEP}][{' or '.join(tests)}]")
    return tuple(exprs)
