"""Project settings: ``[tool.clean]`` in ``pyproject.toml`` or a ``.clean.yaml``.

The search starts in the folder holding the files a run is given (the
working directory for stdin; ``cli``) and goes upward; the first folder
that has a ``.clean.yaml`` or a ``pyproject.toml`` with a ``[tool.clean]``
table wins, and the search stops there. It also stops at a folder holding
``.git`` (the top of a repository), so a checkout never picks up settings from
whatever happens to lie above it. When one folder has both, ``.clean.yaml``
wins (it exists only for clean, so it is the more deliberate of the two) and a
warning says the other was ignored.

Keys (same names in both files)::

    rules = ["rules/site.yaml"]     # extra rule files or folders, relative to the config file
    disable = ["donation"]          # rule ids or pack names to turn off
    include = ["*.txt", "*.md"]     # globs of files to clean in folders (replaces the default)
    exclude = ["drafts"]            # globs of files or folders to leave alone ('/': from this file's folder)
    mode = "balanced"               # careful | balanced | thorough
    heuristics = true               # false: rules only
    repetition = true               # false: lines repeated across a run's documents are no evidence
    builtin-rules = true            # false: only the rules listed here
    jobs = 4                        # worker processes for batch runs

Anything else, or a value of the wrong type, is a ``ConfigError`` naming the
file and the key.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Container, NamedTuple

from .errors import ConfigError

YAML_NAME = ".clean.yaml"
PYPROJECT = "pyproject.toml"

# key -> (expected type, description for the error message)
_KEYS: dict[str, tuple[type, str]] = {
    "rules": (list, "a list of paths"),
    "disable": (list, "a list of rule ids or pack names"),
    "include": (list, "a list of globs"),
    "exclude": (list, "a list of globs"),
    "mode": (str, "careful, balanced or thorough"),
    "heuristics": (bool, "true or false"),
    "repetition": (bool, "true or false"),
    "builtin-rules": (bool, "true or false"),
    "jobs": (int, "a positive whole number"),
}


class Config(NamedTuple):
    """Settings read from one file; ``None`` or empty means "not set".

    A NamedTuple, not a dataclass: its class is made at every start (see blocks.Block).
    """
    path: Path | None = None
    rules: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    mode: str | None = None
    heuristics: bool | None = None
    repetition: bool | None = None
    builtin_rules: bool | None = None
    jobs: int | None = None
    warnings: tuple[str, ...] = ()


def _has_tool_clean(pyproject: Path) -> bool:
    if not _may_have_tool_clean(pyproject):
        return False
    data = _read_toml(pyproject)
    return isinstance(data.get("tool"), dict) and "clean" in data["tool"]


# How a line that can make the key tool.clean starts, once its white space
# and quotes are gone: a [tool] or [tool.clean...] table (or array of
# tables), or a key tool / tool.x (at the top, or anywhere: the check may
# only ever say yes too often).
_TOOL_CLEAN_LINES = ("[tool]", "[[tool]]", "[tool.clean", "[[tool.clean", "tool=", "tool.")
_NOT_KEY_TEXT = str.maketrans("", "", " \t\r\"'\ufeff")


def _may_have_tool_clean(pyproject: Path) -> bool:
    """False when ``pyproject`` cannot hold a ``[tool.clean]`` table, read as text.

    Most projects' pyproject.toml has none, and parsing it cost more than the
    rest of reading the settings (``import tomllib`` alone compiles several
    regular expressions: ~2 ms of every start in such a folder). Every TOML
    table header and key/value pair starts a line; a key is spelt out but
    for the \\u escapes of quoted keys, which send the file to the parser.
    A file that cannot be read goes to the parser too, which reports it.
    """
    try:
        text = pyproject.read_bytes().decode("utf-8", "replace")
    except OSError:
        return True
    if "\\u" in text or "\\U" in text:
        return True
    return any(line.translate(_NOT_KEY_TEXT).startswith(_TOOL_CLEAN_LINES)
               for line in text.splitlines())


def _read_toml(path: Path) -> dict:
    import tomllib

    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None


def settings_file(folder: Path, names: Container[str] | None = None) -> Path | None:
    """The settings file ``folder`` holds: its ``.clean.yaml``, else a
    ``pyproject.toml`` with a ``[tool.clean]`` table; None for neither.
    ``names``: the folder's entries, when the caller has listed them."""
    for name in (YAML_NAME, PYPROJECT):
        path = folder / name
        if (path.is_file() if names is None else name in names and path.is_file()) \
                and (name == YAML_NAME or _has_tool_clean(path)):
            return path
    return None


def find_config(start: Path | None = None) -> Config:
    """The settings that apply in ``start`` (default: the working directory).

    Returns an empty ``Config`` when no file is found.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        path = settings_file(folder)
        if path is not None:
            cfg = load_config(path)
            pyproject = folder / PYPROJECT
            if path.name == YAML_NAME and pyproject.is_file() and _has_tool_clean(pyproject):
                note = f"{pyproject}: [tool.clean] ignored, {path} takes precedence"
                cfg = cfg._replace(warnings=cfg.warnings + (note,))
            return cfg
        if repository_top(folder):
            break
    return Config()


def repository_top(folder: str | Path) -> bool:
    """Whether ``folder`` is the top of a git work tree (it holds ``.git``): where
    the searches upward stop, for settings files here and for ignore files and
    nested settings in ``walk``."""
    return Path(folder, ".git").exists()


class NestedSettings:
    """The settings files below the one a run reads (or below the folder it
    searched from, when it found none): which files to leave alone is theirs
    to say for their folder, so their ``exclude`` still holds there
    (``walk.collect``), as a ``.gitignore`` does; the rest (how to clean, and
    which files to take) is one file's to say for the whole run.

    ``used``: the settings file the run reads, if any. Each folder's file is
    read once; a bad one is a ``ConfigError``.
    """

    def __init__(self, used: Path | None):
        self.used = used.resolve() if used is not None else None
        self._by_folder: dict[str, Config | None] = {}

    def at(self, folder: str, names: Container[str] | None = None) -> Config | None:
        """The settings of a file ``folder`` holds, unless it is the run's own."""
        if folder not in self._by_folder:
            path = settings_file(Path(folder), names)
            self._by_folder[folder] = None if path is None or path.resolve() == self.used \
                else load_config(path)
        return self._by_folder[folder]


def excludes_only(cfg: Config) -> bool:
    """Whether all ``cfg`` says is which files to leave alone (``exclude``)."""
    return cfg._replace(path=None, exclude=None, warnings=()) == Config()


def load_config(path: str | Path) -> Config:
    """Read and check one configuration file (``.yaml``/``.yml`` or ``pyproject.toml``/``.toml``)."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        table, where = _read_yaml(path), ""
    elif path.suffix == ".toml":
        data = _read_toml(path)
        tool = data.get("tool", {})
        table = tool.get("clean", {}) if isinstance(tool, dict) else {}
        where = "[tool.clean] "
    else:
        raise ConfigError(f"{path}: not a configuration file (expected .clean.yaml or pyproject.toml)")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where}expected a table of settings, got {type(table).__name__}")
    return _check(path, table, where)


def _read_yaml(path: Path) -> Any:
    # Bounded like rule files (a regular file, few YAML aliases): a checked-out
    # repository can carry a .clean.yaml written by anyone.
    from . import safeyaml

    def fail(line: int | None, message: str) -> ConfigError:
        where = f"{path}:{line}" if line is not None else str(path)
        return ConfigError(f"{where}: {message.replace('YAML error:', 'invalid YAML:')}")

    data = safeyaml.load(path, fail)
    return {} if data is None else data


def _check(path: Path, table: dict, where: str) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ConfigError(f"{path}: {where}unknown key {key!r} (known keys: {known})")
        kind, expected = _KEYS[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and kind is list:
            ok = all(isinstance(v, str) and v for v in value)
        if ok and key == "jobs":
            ok = value >= 1
        if ok and key == "mode":
            from .names import MODES
            ok = value in MODES
        if not ok:
            raise ConfigError(f"{path}: {where}key {key!r}: expected {expected}, got {value!r}")
        values[key] = value
    base = path.parent
    return Config(
        path=path,
        rules=tuple(base / r for r in values.get("rules", ())),
        disable=tuple(values.get("disable", ())),
        include=tuple(values["include"]) if "include" in values else None,
        exclude=tuple(values["exclude"]) if "exclude" in values else None,
        mode=values.get("mode"),
        heuristics=values.get("heuristics"),
        repetition=values.get("repetition"),
        builtin_rules=values.get("builtin-rules"),
        jobs=values.get("jobs"),
    )
