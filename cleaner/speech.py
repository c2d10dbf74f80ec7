"""Reported speech: a line that names who said it belongs to the story.

A story quotes a call to action, a notice or a thank-you without quotation
marks and names its source after a comma: "Please donate blood, the hospital
asked on Monday", "Wir verwenden Cookies, heißt es in dem Hinweis", "Apoya el
periodismo local, dice un cartel". The rules written for the call itself
match the start of such a line; a site prints the call bare. ``attribution``
finds the speaker's clause, and the evidence leaves out a rule's whole-line
removal of a line that has one (``evidence.spare_speech``).

The clause opens after a comma or a dash, or after a "?" or "!" when it opens
in lower case ("Kennen Sie unser E-Paper? fragte der Verlag"), with one of
three shapes, from the word lists under ``speech`` in ``data/words.yaml``:

- an English speaker, then a verb of saying: "the sign in the window reads",
  "Maria Lopez said", "she wrote", "officials said";
- a verb of saying, then the speaker: "said the mayor", "bat das Klinikum",
  "indique le bandeau" (a verb some language also reads as an imperative or a
  noun, such as "indica" or "steht", counts only with an article or a name
  after it); French inversion: "explique-t-elle";
- nothing more than the verb: "heißt es", "si legge", "głosi";
- "according to" and any source but the reader: "según fuentes del
  ayuntamiento", "selon des experts" (not "según tus preferencias");
- "as" and the rest: "wie der Verlag mitteilte", "as the company said",
  "come ha spiegato il sindaco", "comme l'a indiqué la mairie".

Or the speaker opens the line, a verb of saying in the past and a colon
after it: "The charity said: we need your support to rebuild the shelter",
"Le maire a déclaré : ...".
"""
from __future__ import annotations

import re
from functools import lru_cache

from .features import words
from .programs import compiled

# How many words may stand between an English speaker's determiner and the
# verb ("the sign in the bakery window reads").
SPEAKER_WORDS = 6
# The marks that close a quotation before the comma that opens a speaker's clause.
CLOSING_QUOTES = "\"'”’»"
POSSESSIVE = r"(?:tu[aeo]i?|vostr[aeio]|su[aeo]i?|mi[aeo]i?|nostr[aeio])\b"


def _alternatives(phrases: list[str]) -> str:
    # Longest first, each phrase's spaces as \s+ (a scraped line may wrap or double them).
    return "|".join(r"\s+".join(map(re.escape, p.split()))
                    for p in sorted(set(phrases), key=len, reverse=True))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    lists = words()["speech"]
    openers = _alternatives(lists["speaker_openers"])
    after = _alternatives(lists["verbs_after_speaker"])
    ending = _alternatives(lists["verbs_ending_clause"])
    before = _alternatives(lists["verbs_before_speaker"])
    articles = _alternatives(lists["articles"])
    verbs = _alternatives(lists["verbs"])
    leads = _alternatives(lists["leads"])
    at_once = _alternatives(lists["verbs"] + lists["verbs_before_speaker"] + lists["verbs_after_lead"])
    closing = _alternatives(lists["verbs_after_speaker"] + lists["verbs_closing"])
    according = _alternatives(lists["verbs_according"])
    reader = _alternatives(lists["addressee"])
    colon_verbs = _alternatives(lists["verbs_before_colon"])
    name = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
    # News names a group without an article: "officials said", "local
    # volunteers asked", "police urged", "city hall said" (words of letters
    # only: in ", plus behind-the-scenes notes" no one speaks).
    group = r"(?:[a-z]+\s+)?(?:[a-z]+s|police|staff|people|hall|council|government|ministry|management)\s+"
    speaker = rf"(?:(?:{openers})\s+(?:[\w'’.-]+\s+){{0,{SPEAKER_WORDS - 1}}}?|{name}\s+|{group})"
    clause = "|".join((
        rf"{speaker}(?:{after})\b(?!\s*:)",     # not a comment's header: "Joe says:"
        rf"{speaker}(?:{ending})(?=\s*(?:[,.;!?]|$))",
        # "sagen Sie es uns" is a call: German's polite "you" is no speaker.
        # Nor is Italian's imperative: "indica le tue preferenze" (an article
        # then a possessive, which Spanish and French do not write).
        rf"(?:{before})\s+(?:(?:{articles})(?=\s|\b)(?!\s*{POSSESSIVE})|(?!(?:Sie|Ihnen|Ihr)\b)[A-ZÀ-ÖØ-Þ])",
        rf"(?:{according})\s+(?!(?:(?:{articles})\s+)?(?:{reader})\b)\w",
        r"\w+(?:-t)?-(?:il|elle|ils|elles)\b",
        # German may lead the verb with "so": ", so warnt die Verbraucherzentrale".
        rf"(?:so\s+)?(?:{verbs})\b",
        # after "as", a speaker opens with an article, a determiner or a name ("as we
        # promised" is the site's own voice)
        rf"(?:{leads})\s+(?:(?:{at_once})\b|(?:(?:{articles}|{openers})\s+|[A-ZÀ-ÖØ-Þ][\w'’-]*\s+)"
        rf"(?:[\w'’.-]+\s+){{0,{SPEAKER_WORDS - 1}}}?(?:(?:{closing})\b|(?:{ending})(?=\s*(?:[,.;!?]|$))))",
    ))
    # Case-sensitive: the lists are lower case, and a verb of saying is written
    # so; "New York, NY 10016, United States" has a name and no verb.
    # The comma may close a quotation: '"We need your support," the mayor said'.
    # At the line's start: a capitalised word, at most SPEAKER_WORDS in all, the
    # verb and up to three words ("told reporters on Monday"), a colon, then
    # words or a quotation (a forum's "Safiro said: ↑" quotes a post).
    opening = (rf"^\s*(?=[A-ZÀ-ÖØ-Þ])(?:[\w'’.-]+\s+){{1,{SPEAKER_WORDS}}}?(?:{colon_verbs})\b"
               rf"(?:\s+[\w'’-]+){{0,3}}?(?=\s*:\s+[\w\"“„«‘'])")
    # A question or an exclamation may end what was said ("Kennen Sie unser E-Paper? fragte
    # der Verlag", "Why pay? asked the editor"): the clause after it opens in lower case, as a
    # verb of saying does; a box's next sentence opens in upper case ("Questions? Ask us").
    return re.compile(rf"(?:,[{re.escape(CLOSING_QUOTES)}]?|\s[–—-]|[?!][{re.escape(CLOSING_QUOTES)}]?(?=\s+[a-zà-ÿ]))"
                      rf"\s+(?:{clause})|{opening}")


_CLAUSE_END = compiled(r"[,.;:!?]")
_TOKEN = compiled(r"\w+")


@lru_cache(maxsize=1)
def _cues() -> frozenset[str]:
    """A word every clause holds: a verb of saying (the longest word of a
    phrase), or the pronoun of a French inversion. Compiling the pattern takes
    ~6 ms; a run whose rule-hit lines hold none of these never compiles it.
    Every list of verbs counts: their names start with "verbs"."""
    cues = {max(_TOKEN.findall(phrase), key=len)
            for key, phrases in words()["speech"].items() if key.startswith("verbs")
            for phrase in phrases}
    return frozenset(cues | {"il", "elle", "ils", "elles"})


def attribution(text: str) -> str | None:
    """The clause of ``text`` that names who said it, or None: from the word
    after its comma or dash to the next mark ("the hospital asked on Monday")."""
    if _cues().isdisjoint(_TOKEN.findall(text)):
        return None
    m = _pattern().search(text)
    if m is None:
        return None
    end = _CLAUSE_END.search(text, m.end())
    return text[m.start():end.start() if end else len(text)].lstrip(f",?!{CLOSING_QUOTES}–—- ").strip()
