"""cleaner: strip boilerplate from scraped news text, keep the article as written."""
from typing import TYPE_CHECKING

from .errors import CleanerError, ConfigError, InputError, ModeError, RuleError, UnknownNameError
from .names import Mode

if TYPE_CHECKING:
    from .api import Cleaner, CleanResult


def __getattr__(name: str):
    # Cleaner and CleanResult load on first use (and numpy with them), so
    # that `clean` can settle numpy's thread pool before numpy is imported.
    if name in ("Cleaner", "CleanResult"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")


__all__ = ["Cleaner", "CleanResult", "CleanerError", "ConfigError", "InputError", "Mode",
           "ModeError", "RuleError", "UnknownNameError"]
__version__ = "0.1.0"
