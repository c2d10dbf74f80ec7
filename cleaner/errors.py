"""Errors the user can act on. Each renders as one line: where, then what."""
from __future__ import annotations


class CleanerError(Exception):
    """Base class: a problem with the input, the rules or the configuration."""


class InputError(CleanerError):
    """Input that cannot be read or decoded; the message names the input."""


class RuleError(CleanerError):
    """An invalid rule file or rule; the message names file, line and rule id."""

    def __init__(self, path: str, line: int | None, rule_id: str | None, message: str):
        self.path, self.line, self.rule_id = path, line, rule_id
        where = path if line is None else f"{path}:{line}"
        who = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{who} {message}")


class ConfigError(CleanerError):
    """An invalid configuration file or key."""
