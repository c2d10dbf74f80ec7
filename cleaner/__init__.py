"""cleaner: strip boilerplate from scraped news text, keep the article as written."""
from .api import Cleaner, CleanResult
from .errors import CleanerError, ConfigError, InputError, ModeError, RuleError, UnknownNameError
from .names import Mode

__all__ = ["Cleaner", "CleanResult", "CleanerError", "ConfigError", "InputError", "Mode",
           "ModeError", "RuleError", "UnknownNameError"]
__version__ = "0.1.0"
