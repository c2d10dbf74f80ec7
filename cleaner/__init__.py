"""cleaner: strip boilerplate from scraped news text, keep the article as written."""
from .api import Cleaner, CleanResult
from .errors import CleanerError, InputError, RuleError

__all__ = ["Cleaner", "CleanResult", "CleanerError", "InputError", "RuleError"]
__version__ = "0.1.0"
