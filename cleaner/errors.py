"""Errors the user can act on. Each renders as one line: where, then what."""
from __future__ import annotations


class CleanerError(Exception):
    """Base class: a problem with the input, the rules or the configuration."""


class InputError(CleanerError):
    """Input that cannot be read or decoded; the message names the input."""


class RuleError(CleanerError):
    """An invalid rule file or rule; the message names file, line and rule id."""

    def __init__(self, path: str, line: int | None, rule_id: str | None, message: str):
        self.path, self.line, self.rule_id, self.message = path, line, rule_id, message
        where = path if line is None else f"{path}:{line}"
        who = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{who} {message}")

    def __reduce__(self):
        # Raised in a worker process, the error crosses back to the parent
        # pickled; the default would call __init__ with the one-line message only.
        return type(self), (self.path, self.line, self.rule_id, self.message)


class ConfigError(CleanerError):
    """An invalid configuration file or key, or an invalid setting given to ``Cleaner``."""


class ModeError(ConfigError, ValueError):
    """A mode that is not one of careful, balanced, thorough (also a ValueError)."""


class UnknownNameError(ConfigError, ValueError):
    """A rule id, pack or heuristic name that does not exist (in ``disable``).

    ``name`` is the unknown name, ``suggestion`` the closest known one or None.
    """

    def __init__(self, message: str, name: str = "", suggestion: str | None = None):
        super().__init__(message)
        self.name, self.suggestion = name, suggestion

    def __reduce__(self):
        return type(self), (str(self), self.name, self.suggestion)
