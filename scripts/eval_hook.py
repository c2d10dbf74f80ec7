"""In-process entry for ../shared/eval/score.py --py scripts.eval_hook:clean.

CLEAN_MODE and CLEAN_HEURISTICS=0 in the environment pick the settings.
"""
import os

from cleaner import Cleaner

_cleaner = Cleaner(mode=os.environ.get("CLEAN_MODE", "balanced"),
                   heuristics=os.environ.get("CLEAN_HEURISTICS", "1") != "0")


def clean(text: str) -> str:
    return _cleaner.clean(text)
