"""Reported speech (cleaner/speech.py): a rule's whole-line removal is left out
on a line that names who said it, and --explain says so."""
from __future__ import annotations

import pytest
import yaml

from cleaner import Cleaner
from cleaner.speech import attribution
from conftest import FIXTURES

ARTICLE = ("The regional council voted on Tuesday to extend the tram line to the northern "
           "suburbs, a project that has been debated for more than a decade.")


@pytest.mark.parametrize("line, clause", [
    ("Please donate blood, the hospital asked on Monday.", "the hospital asked on Monday"),
    ("Support local journalism, the sign in the bakery window reads.",
     "the sign in the bakery window reads"),
    ("Already registered to vote? Check your polling place, the county clerk advised.",
     "the county clerk advised"),
    ("Thanks for reading, Maria Lopez wrote in her last column.",
     "Maria Lopez wrote in her last column"),
    ("Subscribe now, said the ad.", "said the ad"),
    ("Bitte spenden Sie Blut, bat das Klinikum am Montag.", "bat das Klinikum am Montag"),
    ("Wir verwenden Cookies, heißt es in dem Hinweis.", "heißt es in dem Hinweis"),
    ("Tout accepter, disait le bouton.", "disait le bouton"),
    ("Merci de nous soutenir, explique-t-elle.", "explique-t-elle"),
    ("Apoya el periodismo local, dice un cartel.", "dice un cartel"),
    ("Sostieni il giornalismo locale, si legge su un cartello.", "si legge su un cartello"),
    ("Steun de lokale journalistiek, staat op een bord.", "staat op een bord"),
    ("Wspieraj lokalne dziennikarstwo, głosi napis.", "głosi napis"),
    ("Die Preise steigen, so der Sprecher des Verbands.", "so der Sprecher des Verbands"),
    # German may lead the verb with "so"
    ("Wenn Sie den Beitrag aktivieren, werden Daten übertragen – so warnt die Verbraucherzentrale.",
     "so warnt die Verbraucherzentrale"),
    # "as" and the speaker: the verb closes the clause, or follows "as" at once
    ("Das Abo kostet 9,99 Euro im Monat, jederzeit kündbar, wie der Verlag mitteilte.",
     "wie der Verlag mitteilte"),
    ("Cancel anytime, as the company said in its letter.", "as the company said in its letter"),
    ("Meld je aan, zoals de krant meldde.", "zoals de krant meldde"),
    ("Faites un don, comme l'a indiqué la mairie.", "comme l'a indiqué la mairie"),
    ("Abbonati, come ha spiegato il sindaco.", "come ha spiegato il sindaco"),
    ("Zapisz się, jak podała firma.", "jak podała firma"),
    # a group without an article, as news names one
    ("Donate blankets at the town hall, volunteers asked.", "volunteers asked"),
    ("Please give blood this weekend, local officials urged on Monday.", "local officials urged on Monday"),
    ("Report anything unusual, police said.", "police said"),
    # the comma inside the quotation marks
    ('"We need your support," the mayor told residents after the flood.',
     "the mayor told residents after the flood"),
    ("“We use cookies to improve your experience,” the banner said.", "the banner said"),
    # "according to" and a source without an article
    ("Recibe el boletín oficial cada lunes el alcalde, según fuentes del ayuntamiento.",
     "según fuentes del ayuntamiento"),
    ("Abonnez-vous à la lettre, selon des experts du secteur.", "selon des experts du secteur"),
    ("Subscribe to the channel, according to officials.", "according to officials"),
    # the speaker opens the line, a colon after the verb
    ("The charity said: we need your support to rebuild the shelter.", "The charity said"),
    ('He told reporters on Monday: "Please donate."', "He told reporters on Monday"),
    ("Der Verband erklärte: Wir brauchen Ihre Unterstützung.", "Der Verband erklärte"),
    ("Le maire a déclaré : « Nous avons besoin de votre soutien. »", "Le maire a déclaré"),
    # what was said ends with "?" or "!", and the clause opens in lower case after it
    ("Kennen Sie schon unser E-Paper? fragte der Verlag in einer Umfrage.",
     "fragte der Verlag in einer Umfrage"),
    ("Why pay for news? asked the editor.", "asked the editor"),
    ("Réabonnez-vous pour retrouver l'accès, écrivaient les escrocs.", "écrivaient les escrocs"),
])
def test_attribution_finds_the_speakers_clause(line, clause):
    found = attribution(line)
    assert found == clause


@pytest.mark.parametrize("line", [
    "Sign up for our newsletter, the week's best reads in your inbox",   # a noun, not a verb
    "14. Overit Media - Joe says:",                                        # a comment's header
    "169 Madison Ave STE 15233 New York, NY 10016, United States",        # a name, no verb
    "Gefällt Ihnen der Artikel, sagen Sie es uns",                         # a call to the reader
    "Inserisci la tua email, indica le tue preferenze",                     # an imperative
    "Subscribe now, says nobody",                                           # no speaker after it
    "Support us, so the newsroom can keep reporting.",                     # English "so", not German
    "Shop gloves, bat and ball sets",                                       # a noun
    "Sign up for our newsletter, as we promised in March",                  # the site's own voice
    "Join us, as thousands of readers already have.",                       # no verb of saying
    "Early access, behind-the-scenes notes and priority requests.",          # a list: "notes" is a noun
    "Recibe ofertas exclusivas, según tus intereses.",                       # the reader's own
    "Scegli il piano, secondo le tue preferenze.",
    "Choose a plan, according to your needs.",
    "Abbonati ora, secondo mese gratis!",                                    # "second", not "according to"
    "Assine já, segundo mês grátis.",
    "Todd wrote: \"Josef, I certainly didn't mean to offend.\"",             # a comment's quotation
    "Safiro said: ↑",                                                        # a forum's quotation
    "Subscribe now and get 50% off: offer ends Sunday.",                     # no verb of saying
    "Questions? Schreibt uns an leserbriefe@example.de",                     # the box's next sentence: upper case
    "Not a subscriber? Sign up today, the first month is free.",
])
def test_attribution_leaves_calls_and_labels_alone(line):
    assert attribution(line) is None


def test_no_mission_or_furniture_line_reports_speech():
    """The boilerplate the rules are written for never names a speaker: the
    guard would keep it."""
    lines = [line for lang in yaml.safe_load((FIXTURES / "mission-lines.yaml").read_text("utf-8")).values()
             for line in lang["lines"]]
    lines += [line for lang in yaml.safe_load((FIXTURES / "furniture-lines.yaml").read_text("utf-8")).values()
              for line in lang]
    assert len(lines) > 2500
    assert [line for line in lines if attribution(line)] == []


def test_a_quoted_call_stays_and_explain_names_the_rule_it_escaped():
    cleaner = Cleaner()
    bare = "Please donate today to keep our reporting free."
    quoted = "Please donate today to keep our reporting free, the editor wrote in a letter to readers."
    result = cleaner.analyze("\n\n".join([ARTICLE, bare, ARTICLE, quoted, ARTICLE]) + "\n")
    by_text = {d.block.text: d for d in result.decisions}
    gone = by_text[bare]
    assert not gone.kept and gone.reason.startswith("donation."), gone
    kept = by_text[quoted]
    assert kept.kept and not kept.spans
    assert kept.note.startswith(f"[guard.reported-speech] {gone.reason} matched"), kept.note
    assert "the editor wrote" in kept.note


def test_a_span_is_still_trimmed_from_a_line_that_reports_speech():
    """Only whole-line removals are left out: a call a site appends to a
    paragraph is trimmed from it, whoever the paragraph quotes."""
    cleaner = Cleaner()
    line = "The plan will cost 40 million euros, the mayor said on Monday. Share this:"
    text = "\n\n".join([ARTICLE, line, ARTICLE]) + "\n"
    by_text = {d.block.text: d for d in cleaner.analyze(text).decisions}
    d = by_text[line]
    assert d.kept and d.reason == "share.trailing-share", d
    assert d.text.strip() == "The plan will cost 40 million euros, the mayor said on Monday."
