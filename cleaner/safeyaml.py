"""Read a YAML file that someone else may have written: rule files and ``.clean.yaml``.

A checked-out repository can carry either, so reading one must be bounded:

- only regular files: a FIFO or a device named as a rules file would block or
  never end (the file is opened non-blocking and checked with ``fstat``);
- at most ``MAX_BYTES``;
- at most ``MAX_ALIASES`` YAML aliases (``*name``), and at most
  ``MAX_EXPANDED`` items once they are written out: a few levels of aliases
  to aliases (the "billion laughs") make a tiny file expand into billions of
  items for whatever walks the result;
- PyYAML's safe loader only (libyaml's parser when installed).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Callable

import yaml

MAX_BYTES = 8 * 1024 * 1024
MAX_ALIASES = 100
# Items the document would have with every alias written out: 100 aliases are
# enough for a doubling chain of 2**50, so the expansion is bounded too.
MAX_EXPANDED = 100_000

try:                      # libyaml's parser (C); the composing below stays in Python
    from yaml.cyaml import CParser

    _PARSER: tuple = (CParser,)
except ImportError:       # pragma: no cover - PyYAML built without libyaml
    _PARSER = (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)


class YamlLimitError(Exception):
    """A file over one of the bounds; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class _Loader(yaml.composer.Composer, *_PARSER, yaml.constructor.SafeConstructor,
              yaml.resolver.Resolver):
    """The safe loader, composing in Python so that aliases can be counted.

    ``with_lines`` adds the 1-based line of every mapping as ``__line__``.
    """

    def __init__(self, stream: str, with_lines: bool) -> None:
        if len(_PARSER) == 1:
            _PARSER[0].__init__(self, stream)
        else:  # pragma: no cover - the pure-Python reader, scanner and parser
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.with_lines = with_lines
        self.aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise YamlLimitError(f"more than {MAX_ALIASES} YAML aliases", line)
        return super().compose_node(parent, index)

    def compose_document(self):
        node = super().compose_document()
        if self.aliases and _expanded(node, {}) > MAX_EXPANDED:
            raise YamlLimitError(f"YAML aliases expand to more than {MAX_EXPANDED} items",
                                 node.start_mark.line + 1)
        return node

    def construct_mapping(self, node, deep=False):
        check_unique_keys(node)
        mapping = super().construct_mapping(node, deep=deep)
        if self.with_lines:
            mapping["__line__"] = node.start_mark.line + 1
        return mapping


def check_unique_keys(node: "yaml.MappingNode") -> None:
    """A mapping names each key once. PyYAML keeps the last of two silently, so a
    rule that says ``pattern:`` twice, or a fragment file that defines a name
    twice, would lose one without a word; this is the error instead, at the
    second key's line (a merge key, ``<<``, may be overridden as YAML allows)."""
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key.value!r}", key.start_mark)
            seen.add(key.value)


class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's when installed) that refuses a key named
    twice in one mapping (``check_unique_keys``): for files of our own, read
    without the bounds above."""

    def construct_mapping(self, node, deep=False):
        check_unique_keys(node)
        return super().construct_mapping(node, deep=deep)


def _expanded(node: Any, sizes: dict[int, int]) -> int:
    """Items under ``node`` with aliases written out (memoised: linear in the nodes)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded(n, sizes) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded(k, sizes) + _expanded(v, sizes) for k, v in node.value)
    else:
        size = 1
    sizes[id(node)] = size = min(size, MAX_EXPANDED + 1)
    return size


def read_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most ``MAX_BYTES``.

    Raises ``YamlLimitError`` for anything else (OSError and
    UnicodeDecodeError pass through).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise YamlLimitError("not a regular file")
        if info.st_size > MAX_BYTES:
            raise YamlLimitError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise YamlLimitError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data.decode("utf-8")


def error_at(e: "yaml.YAMLError") -> tuple[int | None, str]:
    """Where the parser stopped (1-based line, or None) and what it found there,
    as every reader of a YAML file reports it: ``(12, "YAML error: ...")``."""
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return (mark.line + 1 if mark is not None else None), f"YAML error: {problem}"


def parse(text: str, *, with_lines: bool = False) -> Any:
    """Parse YAML text within the alias bound (``YamlLimitError``, or ``yaml.YAMLError``)."""
    loader = _Loader(text, with_lines)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load(path: Path, fail: Callable[[int | None, str], Exception], *,
         with_lines: bool = False) -> Any:
    """Read and parse ``path``; every problem becomes ``fail(line, message)``, raised."""
    try:
        text = read_text(path)
    except YamlLimitError as e:
        raise fail(None, f"cannot read: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise fail(None, f"cannot read: {getattr(e, 'strerror', None) or e}") from None
    try:
        return parse(text, with_lines=with_lines)
    except YamlLimitError as e:
        raise fail(e.line, str(e)) from None
    except yaml.YAMLError as e:
        raise fail(*error_at(e)) from None
    except RecursionError:
        raise fail(None, "YAML nested too deeply") from None
