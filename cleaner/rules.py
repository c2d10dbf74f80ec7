"""YAML rule packs: load, validate and compile them once.

A rule file is either a list of rules or a mapping with ``rules:`` (and an
optional ``pack:`` name and ``description:``). The pack name defaults to the
file's stem. The schema is documented in ``rules/README.md``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import RuleError
from .patterns import Budget, LazyPattern
from .programs import compiled

try:   # CPython's own sha256: importing hashlib loads OpenSSL, ~3 ms of start-up
    from _sha2 import sha256 as _sha256        # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # Python 3.11
    except ImportError:   # pragma: no cover - another interpreter
        from hashlib import sha256 as _sha256

ACTIONS = ("drop", "drop-span", "drop-until", "drop-rest")
RULE_KEYS = {"id", "description", "pattern", "action", "until", "lines",
             "examples", "case", "zone", "lang", "kind", "langs", "takes"}
# What a drop rule may take with its line: "list", the list of links right under it.
TAKES = ("list",)
FILE_KEYS = {"pack", "description", "rules", "kind", "langs"}
# What a rule removes, reported with each removal (rules/README.md lists them).
KINDS = ("paywall", "newsletter", "donation", "payment", "cookie", "signin", "follow",
         "share", "related", "navigation", "ads", "comments", "footer", "credits",
         "promo", "ui", "other")
# A language code (ISO 639-1/-3), or "any" for a rule whose pattern has no words.
_LANG = compiled(r"[a-z]{2,3}|any")
ZONES = ("anywhere", "tail")
DEFAULT_UNTIL_LINES = 40
# Seconds one pattern may spend on one line before the batch gives up on it:
# one bad user rule must not hang a corpus run.
MATCH_TIMEOUT = 1.0


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: what its pattern matches and what it removes."""
    # (A docstring also spares dataclass the signature it would format into one.)
    id: str
    pack: str
    description: str
    action: str
    pattern: Any                  # compiled pattern (re or regex, see _compile)
    until: Any = None             # compiled end pattern for drop-until
    lines: int | None = None      # bound for drop-until
    zone: str = "anywhere"
    takes: str | None = None      # "list": the list of links right under the line goes too
    lang: str | None = None
    examples_drop: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    kind: str = "other"           # one of KINDS: what the rule removes
    langs: tuple[str, ...] = ()   # languages the rule's words are in ("any": none)
    # For each drop example, the exact text that must remain (None: nothing,
    # or for drop-span rules unstated); see examples.check_rule.
    examples_remain: tuple[str | None, ...] = ()
    source: str = ""              # "file:line" where the rule is defined
    line: int | None = None       # that line
    # Seconds a match may take. The shipped packs are tested against
    # pathological lines and run without one (a timeout costs ~1 µs per call,
    # which over every rule and line is most of the rules' time); rules a user
    # adds with --rules get MATCH_TIMEOUT.
    timeout: float | None = MATCH_TIMEOUT

    @property
    def patterns(self) -> tuple:
        """The rule's patterns: its own, and a drop-until's end pattern."""
        return (self.pattern,) if self.until is None else (self.pattern, self.until)

    def search(self, text: str):
        if self.timeout is None:
            return self.pattern.search(text)
        return self.pattern.search(text, timeout=self.timeout)

    def end_search(self, text: str):
        if self.timeout is None:
            return self.until.search(text)
        return self.until.search(text, timeout=self.timeout)

    def finditer(self, text: str):
        if self.timeout is None:
            return self.pattern.finditer(text)
        return self.pattern.finditer(text, timeout=self.timeout)


@dataclass(frozen=True)
class RuleSet:
    """The rules of a run, in order, and the files they came from."""
    rules: tuple[Rule, ...] = ()
    files: tuple[str, ...] = field(default_factory=tuple)
    # The literal index made for this very set, when it came with it from the
    # start-up snapshot (``snapshot``): taken by the first match cache that
    # needs an index (``signals``), so that no two caches share one.
    _index: list = field(default_factory=list, compare=False, repr=False)

    def without(self, disabled: Iterable[str]) -> "RuleSet":
        off = set(disabled)
        if not off:
            return self
        return RuleSet(tuple(r for r in self.rules if r.id not in off and r.pack not in off),
                       self.files)

    def offer_index(self, index: Any) -> None:
        """Hold ``index`` (made for this set) for the first cache that needs one."""
        self._index[:] = [index]

    def take_index(self) -> Any:
        """The index offered for this set, once; None after, or if none was."""
        return self._index.pop() if self._index else None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_index"] = []        # workers make their own: the index is not sent along
        return state

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)




def builtin_rules_dir() -> Path:
    """The rule packs shipped with the package (or beside it in a checkout)."""
    here = Path(__file__).resolve().parent
    shipped = here / "rules"              # inside an installed wheel
    return shipped if shipped.is_dir() else here.parent / "rules"


def builtin_fragments_dir() -> Path:
    """The shipped fragment files' folder, beside the packs."""
    return builtin_rules_dir() / "fragments"


def fragment_files(folder: Path | None = None) -> list[Path]:
    """The fragment files (``<lang>.yaml``) of ``folder``, sorted; by default the shipped ones."""
    folder = folder or builtin_fragments_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def rule_files(path: Path) -> list[Path]:
    """A rule file, or the *.yaml / *.yml files of a folder, sorted."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not path.exists():
        raise RuleError(str(path), None, None, "no such rules file or folder")
    return [path]


def load_rules(paths: Iterable[str | Path], *, builtin: bool = True) -> RuleSet:
    """Load the built-in packs (unless ``builtin`` is false) and the given files/folders.

    The built-in packs alone come from the start-up snapshot when it was made
    from these very sources (``snapshot``), else they are built."""
    paths = list(paths)
    if builtin and not paths:
        from . import snapshot

        stored = snapshot.load()
        if stored is not None:
            return stored
    return build_rules(paths, builtin=builtin)


def build_rules(paths: Iterable[str | Path], *, builtin: bool = True) -> RuleSet:
    """``load_rules`` from the rule files themselves (and the shipped data)."""
    files: list[tuple[Path, bool]] = []
    if builtin:
        files.extend((f, True) for f in rule_files(builtin_rules_dir()))
    for p in paths:
        files.extend((f, False) for f in rule_files(Path(p)))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f, shipped in files:
        for rule in load_file(f, trusted=shipped):
            if rule.id in seen:
                raise RuleError(str(f), rule.line, rule.id,
                                f"duplicate rule id (first defined at {seen[rule.id]})")
            seen[rule.id] = rule.source
            rules.append(rule)
    return RuleSet(tuple(rules), tuple(str(f) for f, _ in files))


def pack_digest(data: bytes) -> str:
    """What the shipped data records of a pack file's bytes to know it is unchanged."""
    return _sha256(data).hexdigest()


def shipped_pack(path: Path) -> Any:
    """A shipped pack as ``safeyaml.load(..., with_lines=True)`` reads it, from the
    shipped data (``data/rule_literals.json``, written by scripts/rule_literals.py),
    or ``_UNREAD`` when the data holds no pack of that name with these very bytes.

    Parsing YAML in Python was most of reading the packs (~35 ms, and ~18 ms
    to import yaml): the data is package data, checked against the file's
    bytes on every run, so an edited pack is read from its YAML as before.
    The result is shared: callers must not change it.
    """
    from .prefilter import shipped_data

    packs = shipped_data().get("packs")
    held = packs.get(path.name) if isinstance(packs, dict) else None
    if not isinstance(held, dict) or "rules" not in held:
        return _UNREAD
    try:
        data = path.read_bytes()
    except OSError:
        return _UNREAD
    return held["rules"] if held.get("sha256") == pack_digest(data) else _UNREAD


_UNREAD = object()


def read_pack(path: Path, trusted: bool = False) -> Any:
    """A rule file's YAML data, with the line of every mapping as "__line__"."""
    if trusted:
        data = shipped_pack(path)
        if data is not _UNREAD:
            return data
    from . import safeyaml   # here: the shipped packs, read from their data, need no yaml

    name = str(path)
    # Bounded: a regular file only, few YAML aliases (see safeyaml); the line
    # of every mapping is recorded as "__line__" for error messages.
    return safeyaml.load(path, lambda line, msg: RuleError(name, line, None, msg), with_lines=True)


def load_file(path: Path, *, trusted: bool = False) -> list[Rule]:
    """The rules of one file; ``trusted`` (shipped) rules match without a timeout."""
    name = str(path)
    data = read_pack(path, trusted)      # may be shared: read, never changed
    pack = path.stem
    defaults: dict[str, Any] = {}
    if data is None:
        return []
    if isinstance(data, dict):
        line = data.get("__line__", 1)
        unknown = set(data) - FILE_KEYS - {"__line__"}
        if unknown:
            raise RuleError(name, line, None, f"unknown key {sorted(unknown)[0]!r} "
                            f"(expected one of {', '.join(sorted(FILE_KEYS))})")
        pack = str(data.get("pack") or pack)
        # A pack-wide kind and language list, which each rule may override.
        defaults = {k: data[k] for k in ("kind", "langs") if k in data}
        data = data.get("rules") or []
    if not isinstance(data, list):
        raise RuleError(name, 1, None, "expected a list of rules or a mapping with 'rules:'")
    return [_build_rule(item, name, pack, trusted, defaults) for item in data]


def _parse(text: str, name: str) -> Any:
    """Rule-file YAML text to data, with ``__line__`` in every mapping (bounded, see safeyaml)."""
    import yaml

    from . import safeyaml

    try:
        return safeyaml.parse(text, with_lines=True)
    except safeyaml.YamlLimitError as e:
        raise RuleError(name, e.line, None, str(e)) from None
    except yaml.YAMLError as e:
        line, message = safeyaml.error_at(e)
        raise RuleError(name, line, None, message) from None


# Syntax that ``re`` would accept but read differently from ``regex``: braces
# that are not a counted repeat (fuzzy constraints like {e<=1}, read literally
# by re) and POSIX classes ([[:alpha:]], a plain set to re). Two searches: one
# regex of both has no literal to look for first, and took 5x as long.
_NOT_A_REPEAT = compiled(r"\{(?!\d+(?:,\d*)?\})")


def _regex_only(pattern: str) -> bool:
    return "[[:" in pattern or _NOT_A_REPEAT.search(pattern) is not None


def _compile(pat: Any, case: str, where: tuple[str, int, str], key: str, trusted: bool = False):
    """A rule pattern as a ``LazyPattern`` (see ``patterns``).

    A shipped (trusted) pattern that the standard ``re`` module also accepts
    is matched by ``re`` (same matches, faster to compile) and compiled on
    first use: a short input needs few of them. Patterns that need ``regex``
    (fuzzy matching, \\p{..} classes) and every user rule use ``regex``; user
    rules are compiled now, so a bad one is reported at load, and get a time
    budget for the whole run (``patterns.RULE_BUDGET``, growing with the text).
    """
    name, line, rid = where
    if not isinstance(pat, str) or not pat:
        raise RuleError(name, line, rid, f"'{key}' must be a non-empty string")
    flags = re.IGNORECASE if case == "insensitive" else 0   # the same bit in regex
    reparseable = not _regex_only(pat)
    if trusted and reparseable:
        return LazyPattern(pat, flags, "re")
    lazy = LazyPattern(pat, flags, "regex", reparseable=reparseable,
                       budget=None if trusted else Budget())
    import regex  # only here: the plain-text path with the shipped packs needs re alone

    try:
        lazy.compiled
    except regex.error as e:
        raise RuleError(name, line, rid, f"'{key}' does not compile: {e}") from None
    return lazy


def _strings(value: Any, where: tuple[str, int, str], key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(*where, f"'{key}' must be a list of strings")
    return tuple(value)


def _drop_examples(value: Any, where: tuple[str, int, str]) -> tuple[tuple[str, ...],
                                                                       tuple[str | None, ...]]:
    """``examples.drop``: strings, or ``{text: ..., remains: ...}`` mappings.

    ``remains`` is the exact text the rule must leave of ``text`` (sqlfluff's
    fail_str / fix_str): a drop-span rule that eats more than its span fails.
    """
    if value is None:
        return (), ()
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise RuleError(*where, "'examples.drop' must be a list of strings or "
                        "{text: ..., remains: ...} mappings")
    texts: list[str] = []
    remains: list[str | None] = []
    for ex in value:
        if isinstance(ex, dict):
            ex = {k: v for k, v in ex.items() if k != "__line__"}
            if set(ex) - {"text", "remains"} or not isinstance(ex.get("text"), str) \
                    or not isinstance(ex.get("remains", ""), str):
                raise RuleError(*where, "a drop example is a string or a mapping with "
                                "'text' and 'remains' strings")
            texts.append(ex["text"])
            remains.append(ex.get("remains"))
        elif isinstance(ex, str):
            texts.append(ex)
            remains.append(None)
        else:
            raise RuleError(*where, "'examples.drop' must be a list of strings or "
                            "{text: ..., remains: ...} mappings")
    return tuple(texts), tuple(remains)


def _expand(pat: Any, where: tuple[str, int, str]) -> Any:
    """A pattern with its ``{{fragment}}`` references expanded (see ``fragments``)."""
    if not isinstance(pat, str) or "{{" not in pat:
        return pat
    from . import fragments   # here: rules without {{...}} never need it

    try:
        return fragments.expand_shipped(pat)
    except fragments.FragmentError as e:
        raise RuleError(*where, str(e)) from None


def _kind_and_langs(item: dict, defaults: dict, where: tuple[str, int, str]
                    ) -> tuple[str, tuple[str, ...]]:
    kind = item.get("kind", defaults.get("kind", "other"))
    if kind not in KINDS:
        raise RuleError(*where, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    langs = item.get("langs", item.get("lang", defaults.get("langs", ())))
    if isinstance(langs, str):
        langs = [langs]
    if not isinstance(langs, (list, tuple)) or not all(isinstance(x, str) and _LANG.fullmatch(x)
                                              for x in langs):
        raise RuleError(*where, "'langs' must be a list of language codes (en, de, ...) or [any]")
    return kind, tuple(langs)


def _build_rule(item: Any, name: str, pack: str, trusted: bool = False,
                defaults: dict | None = None) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(name, None, None, "each rule must be a mapping")
    line = item.get("__line__")
    # Keys other than the line marker; the mapping itself is left untouched,
    # since YAML aliases may share it between rules.
    item = {k: v for k, v in item.items() if k != "__line__"}
    rid = item.get("id")
    if not isinstance(rid, str) or not re.fullmatch(r"[\w.-]+", rid or ""):
        raise RuleError(name, line, None, "every rule needs an 'id' of letters, digits, '.', '-', '_'")
    where = (name, line, rid)
    unknown = set(item) - RULE_KEYS
    if unknown:
        raise RuleError(*where, f"unknown key {sorted(unknown)[0]!r} "
                        f"(expected one of {', '.join(sorted(RULE_KEYS))})")
    action = item.get("action", "drop")
    if action not in ACTIONS:
        raise RuleError(*where, f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    case = item.get("case", "insensitive")
    if case not in ("insensitive", "sensitive"):
        raise RuleError(*where, "'case' must be 'insensitive' or 'sensitive'")
    zone = item.get("zone", "tail" if action == "drop-rest" else "anywhere")
    if zone not in ZONES:
        raise RuleError(*where, f"'zone' must be one of {', '.join(ZONES)}")
    kind, langs = _kind_and_langs(item, defaults or {}, where)
    pattern = _compile(_expand(item.get("pattern"), where), case, where, "pattern", trusted)
    until = lines = None
    if action == "drop-until":
        if "until" in item:
            until = _compile(_expand(item["until"], where), case, where, "until", trusted)
        lines = item.get("lines", DEFAULT_UNTIL_LINES if until is not None else None)
        if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
            raise RuleError(*where, "drop-until needs 'until' (an end pattern) and/or "
                            "'lines' (a positive bound)")
    elif "until" in item or "lines" in item:
        raise RuleError(*where, "'until' and 'lines' only apply to action drop-until")
    takes = item.get("takes")
    if takes is not None:
        if takes not in TAKES:
            raise RuleError(*where, f"'takes' must be one of {', '.join(TAKES)}")
        if action != "drop":
            raise RuleError(*where, "'takes' only applies to action drop")
    examples = item.get("examples") or {}
    if not isinstance(examples, dict):
        raise RuleError(*where, "'examples' must be a mapping with 'drop' and 'keep' lists")
    examples = {k: v for k, v in examples.items() if k != "__line__"}
    bad = set(examples) - {"drop", "keep"}
    if bad:
        raise RuleError(*where, f"unknown key {sorted(bad)[0]!r} in examples (expected drop, keep)")
    drop_texts, drop_remains = _drop_examples(examples.get("drop"), where)
    lang = item.get("lang")
    if lang is not None and not (isinstance(lang, str) or
                                 (isinstance(lang, list) and all(isinstance(x, str) for x in lang))):
        raise RuleError(*where, "'lang' must be a language code or a list of them")
    description = item.get("description", "")
    if not isinstance(description, str):
        raise RuleError(*where, "'description' must be a string")
    return Rule(id=rid, pack=pack, description=description, action=action,
                pattern=pattern, until=until, lines=lines, zone=zone, takes=takes,
                lang=item.get("lang"),
                examples_drop=drop_texts, examples_remain=drop_remains,
                examples_keep=_strings(examples.get("keep"), where, "examples.keep"),
                kind=kind, langs=langs,
                source=f"{name}:{line}", line=line,
                timeout=None if trusted else MATCH_TIMEOUT)
