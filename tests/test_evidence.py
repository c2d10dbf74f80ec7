"""evidence: what is measured for a document, and when."""
from __future__ import annotations

import numpy as np

from cleaner.blocks import split_lines
from cleaner.decide import decide
from cleaner.evidence import gather
from cleaner.rules import load_rules
from conftest import ARTICLE, NAV


def test_prose_is_measured_only_when_asked():
    # With the rules alone and no repetition nothing needs the prose: reading
    # every word of the view for it was a fifth of the time of cleaning.
    ev = gather(split_lines(NAV + "\n" + ARTICLE), load_rules([]), None)
    decide(ev, None)
    assert "prose" not in ev.view.__dict__ and "prose" not in ev.__dict__
    prose = ev.prose
    assert prose.shape == (ev.view.n,) and prose.sum() > 0
    assert prose is ev.view.prose and ev.prose is prose        # measured once


# -- a related heading takes the list of links under it (``takes: list``)

STORY = ("The council approved the budget on Tuesday after a long debate, officials said.\n\n"
         "The mayor said the vote was close and the plan would go ahead in the spring.\n\n")
LINKS = ("* Man rents out flatmate's room without telling him\n"
         "* Upmarket holiday company goes bust on eve of bank holiday\n"
         "* It's possible for a city to have too many tourists\n")


def _rules_only(text: str):
    from cleaner import Cleaner
    return Cleaner(heuristics=False).analyze(text)


def test_a_related_heading_takes_the_list_of_links_under_it():
    text = STORY + "Read more\n\n" + LINKS + "\nThe harbour plan will cost more than the last one.\n"
    result = _rules_only(text)
    assert result.text == STORY + "The harbour plan will cost more than the last one.\n"
    gone = [d for d in result.decisions if not d.kept]
    assert [d.block.line_no for d in gone] == [5, 7, 8, 9]      # the heading, then its list
    assert {d.reason for d in gone} == {"related.heading"}
    assert all(d.detail.endswith("(the list under line 5)") for d in gone[1:])
    assert "list under" not in gone[0].detail
    # A second pass finds nothing more to do.
    assert _rules_only(result.text).text == result.text


def test_the_list_ends_where_its_items_change():
    # A real page's shape (readability's bug-1255978): the "Read more" box sits
    # between two numbered sections, and the next section's heading is a list
    # item of another kind. A deeper item ends the list too.
    text = (STORY + "Read more\n\n" + LINKS + "\n5. Beware the wall-mounted hairdryer\n\n"
            "Many hotels fit them to stop guests taking them home, the manager said.\n")
    assert "5. Beware the wall-mounted hairdryer" in _rules_only(text).text
    nested = STORY + "Related\n\n* Budget vote\n  + What it means for you\n* Harbour plan\n"
    assert "* Harbour plan" in _rules_only(nested).text     # one item before the deeper one


def test_a_headline_may_end_a_sentence_but_most_may_not():
    # Headlines ask questions and exclaim (the "Related articles" and "Most read"
    # boxes of scrapinghub's pages); a list half of whose items end a sentence
    # is the article's.
    after = "\nThe harbour plan will cost more than the last one.\n"
    headlines = ("Read more\n\n* Is the harbour plan worth it?\n* Budget vote delayed again\n"
                 "* Mayor: the vote was close\n")
    assert _rules_only(STORY + headlines + after).text == STORY + after.lstrip()
    half = "Read more\n\n* Book the ferry early.\n* Harbour plan delayed again\n"
    assert "* Book the ferry early." in _rules_only(STORY + half + after).text


def test_a_list_that_carries_the_article_stays():
    sentences = ("Recommended\n\n* Book the ferry early, it sells out by June.\n"
                 "* Take cash: few shops on the island take cards.\n")
    specs = ("Recommended:\n  + OS: Windows 11 64-bit\n  + Memory: 16 GB RAM\n"
             "  + Storage: 45 GB available space\n")
    for box in (sentences, specs):
        out = _rules_only(STORY + box).text
        assert "Recommended" not in out and box.split("\n", 1)[1].strip() in out
    one = _rules_only(STORY + "Related\n\n* Budget vote: what it means for you\n").text
    assert "Related" not in one and "* Budget vote" in one     # one item is not a list
    # A heading that is an item of a list itself heads no list.
    item = _rules_only(STORY + "* Related\n* Budget vote\n* Harbour plan\n").text
    assert "Related" not in item and "* Budget vote" in item and "* Harbour plan" in item


def test_a_related_list_on_a_real_page(corpus):
    """readability's bug-1255978: a "Read more" box of three stories between two
    numbered sections of the article; the stories go, the sections stay."""
    from cleaner import Cleaner
    text = (corpus / "readability" / "bug-1255978" / "scraped-full.txt").read_text(encoding="utf-8")
    out = Cleaner().clean(text)
    assert "Upmarket holiday company goes bust" not in out
    assert "Man rents out flatmate's room" not in out
    assert "4. Hotel rooms are priced according to how expensive they were to build" in out
    assert "5. Beware the wall-mounted hairdryer" in out


def test_items_without_a_word_go_with_a_list_but_make_none():
    # A related box whose thumbnails scrape as empty items between the titles
    # (scrapinghub's f105de6e, "関連記事"); a share box of icons alone (a forum
    # page on wcxb, "Share on other sites"): nothing there names a link, and
    # it stays for the model to judge.
    thumbs = ("Related\n"
              "  * \n  * Budget vote: what it means for you\n  * \n  * Harbour plan delayed again\n")
    assert _rules_only(STORY + thumbs).text == STORY.rstrip() + "\n"
    icons = "Share on other sites\n  * \n  * \n  * \n"
    assert _rules_only(STORY + icons).text == STORY + icons.split("\n", 1)[1]


def test_share_and_newsletter_labels_take_their_lists():
    text = (STORY + "Share this article\n\n* Threema\n* Bluesky\n* Mastodon\n\n"
            "Newsletters\n\n* Morning Briefing\n* Weekend Reads\n")
    result = _rules_only(text)
    assert result.text == STORY.rstrip() + "\n"
    by_text = {d.block.text: d for d in result.decisions}
    # The items no rule knows by name go for their heading's rule.
    for item, rule, line in (("* Threema", "share.label", 5), ("* Morning Briefing", "newsletter.label", 11),
                             ("* Weekend Reads", "newsletter.label", 11)):
        assert by_text[item].reason == rule
        assert by_text[item].detail.endswith(f"(the list under line {line})")


# -- a hard-wrapped paragraph is read as the line it was (``read_as``, ``wrapped_paragraphs``)

WRAPPED_STORY = (
    "The council approved the budget for the new harbour on Tuesday after a\n"
    "long debate, officials said, and work on the quay will start in spring.\n\n"
    "The mayor said the vote had been close but that the plan would go ahead\n"
    "whatever the cost, because the old quay could not be repaired again.\n\n")
WRAPPED_BOX = (
    "Sign up for our free newsletter to get the best of the week's stories\n"
    "from our reporters and editors, sent every Friday morning.\n\n")


def test_a_wrapped_box_goes_whole_and_each_piece_says_why():
    """Wrapped at 72 columns, the box's sentence is two pieces; read alone the
    second is no box at all, and before the paragraph was read whole it stayed
    ("from our reporters and editors, ..."). Cleaned unwrapped or wrapped, the
    text comes out the same."""
    text = WRAPPED_STORY + WRAPPED_BOX + WRAPPED_STORY
    result = _rules_only(text)
    assert result.text == WRAPPED_STORY + WRAPPED_STORY
    first, second = result.removed
    assert first.reason == "newsletter.signup-cta"          # the first piece, alone
    assert second.reason == "newsletter.signup-cta"
    assert "(the paragraph wrapped from line 7, read as one line)" in second.detail
    unwrapped = _rules_only(WRAPPED_STORY + WRAPPED_BOX.replace("\nfrom", " from")
                            + WRAPPED_STORY)
    assert unwrapped.text == result.text


LONG_STORY = ("The council approved the budget for the new harbour on Tuesday after a long debate, "
              "officials said, and work on the quay will start in the spring, the mayor's office said.\n")


def test_a_line_without_a_full_stop_is_not_read_with_the_paragraph_under_it():
    """Units join a long line that ends without a full stop to the next line: a
    consent banner's text and its button, or the article's next paragraph in
    a text of a line per paragraph. Read as one line with the banner, the
    paragraph would be a cookie notice; it is not wrapped (its lines are much
    longer than the banner's), so only the banner goes."""
    banner = "We use cookies to give you the best experience on our website Accept\n"
    result = _rules_only(LONG_STORY + "\n" + banner + LONG_STORY)
    assert [d.block.text for d in result.removed] == [banner.strip()]
    assert result.text.count(LONG_STORY) == 2


def test_a_wrapped_quote_that_names_who_said_it_stays_whole():
    """On one line, a sign-up call that names who said it stays (``speech``);
    wrapped, its first piece alone names no one, and went."""
    quote = ("Sign up for our newsletter to get the best stories delivered to your inbox,\n"
             "the editor told readers on Tuesday.\n\n")
    result = _rules_only(WRAPPED_STORY + quote + WRAPPED_STORY)
    assert result.removed == []


# -- a line is read without the buttons at its ends too (``read_as``, ``bare_lines``)

def test_a_box_with_its_buttons_on_its_line_goes_and_says_what_was_left_out():
    """A scraper that joins a box's elements writes its buttons onto its text;
    read without them, each line is what a rule removes whole."""
    boxes = ["Close Subscribe to our newsletter", "Email address Submit",
             "Dismiss Subscribe Now!", "Hauptmenü schließen", "✕ Manage cookies"]
    result = _rules_only(STORY + "\n\n".join(boxes) + "\n\n" + STORY)
    assert result.text == STORY + STORY
    by_text = {d.block.text: d for d in result.removed}
    assert by_text["Email address Submit"].reason == "newsletter.email-field"
    assert by_text["Email address Submit"].detail.endswith('(read without "... Submit")')
    assert by_text["Dismiss Subscribe Now!"].detail.endswith('(read without "Dismiss ...")')


def test_a_box_s_own_words_that_name_a_button_stay_in_its_reading():
    """"Accept and close" ends in a button's word: the line is read without the
    fewest buttons first, so "Close Accept and close" is the consent button
    with a close button in front, not "Accept and"."""
    result = _rules_only(STORY + "Close Accept and close\n\n" + STORY)
    (removed,) = result.removed
    assert removed.reason == "cookies.button"
    assert removed.detail.endswith('(read without "Close ...")')


def test_a_sentence_that_opens_or_ends_with_a_button_s_word_stays():
    """Only what a rule removes whole goes: "Close to 200 people ..." is a
    sentence without its first word too. "X" is no button: it is a network
    ("X account.", a piece of "Follow us on our X account.") and a letter."""
    lines = ["Close to 200 people subscribed to the newsletter this year, the editor said.",
             "The harbour board will meet again next week to discuss the new menu",
             "X account.", "Closet doors", "Close"]
    result = _rules_only(STORY + "\n\n".join(lines) + "\n\n" + STORY)
    assert [d.block.text for d in result.removed] == ["Close"]


# -- in the thorough mode, a paragraph is read as its last sentence too
#    (``read_as``, ``last_sentences``)

def _thorough_rules_only(text: str):
    from cleaner import Cleaner
    return Cleaner(heuristics=False, mode="thorough").analyze(text)


def test_an_appeal_written_as_a_paragraph_goes_by_the_rule_its_last_sentence_meets():
    """An appeal of four sentences is the model's prose, and too long for the
    rules that know an appeal's first sentences; its last sentence is a call a
    rule knows, and the paragraph goes with it, explained by that rule and the
    reading. A paywall's notice of three sentences the same way. The default
    mode does not read them so (it costs a tenth more time): both stay. (This
    appeal never says "we" or "our", which donation.appeal-paragraph, the
    default's rule for appeals written as a paragraph, asks for.)"""
    appeal = ("Unabhängiger Journalismus ist wichtig, gerade in Zeiten, in denen Gerüchte sich "
              "schneller verbreiten als Fakten. Deshalb sind alle Artikel auf dieser Seite frei "
              "zugänglich, für alle, ohne Bezahlschranke. Damit das so bleibt, braucht es Menschen "
              "wie Sie, die regelmäßig mit einem kleinen Betrag helfen. Werden Sie jetzt Unterstützer.")
    assert len(appeal) > 300       # donation.support-us-appeal reads lines of up to 300
    notice = ("Vous avez lu 3 articles gratuits ce mois-ci. Pour continuer à profiter de l'ensemble "
              "de nos contenus, abonnez-vous dès maintenant. Sans engagement, résiliable à tout moment.")
    for paragraph, pack in ((appeal, "donation"), (notice, "paywall")):
        assert _rules_only(STORY + paragraph + "\n\n" + STORY).removed == []
        result = _thorough_rules_only(STORY + paragraph + "\n\n" + STORY)
        assert result.text == STORY + STORY
        (removed,) = result.removed
        assert removed.reason.startswith(pack + ".")
        assert removed.detail.endswith("(read as its last sentence)")


def test_a_paragraph_stays_when_its_last_sentence_is_short_quoted_or_not_the_missions():
    """Thorough too: only a last sentence of four words or more, and only for
    the mission's packs: a paragraph of the article glued to its share bar
    keeps its sentences. A paragraph that names who said it stays as any line does
    (``spare_speech``). Each last sentence alone is a line the rules remove:
    what keeps the paragraph is the length, the speaker, the pack."""
    from cleaner.evidence import LAST_SENTENCE_WORDS

    short = "The museum reopened on Sunday after two years of repairs and a long dispute. Sign up now."
    assert len("Sign up now.".split()) < LAST_SENTENCE_WORDS
    quoted = ("The clinic's queue was empty on Monday, the hospital's director said on Tuesday. "
              "Please consider a donation to the blood bank.")
    shared = "The council approved the harbour budget on Tuesday. Share this article with your friends."
    for paragraph in (short, quoted, shared):
        result = _thorough_rules_only(STORY + paragraph + "\n\n" + STORY)
        assert paragraph in result.text, [(d.reason, d.detail) for d in result.removed]
        last = paragraph.split(". ")[-1]
        assert _rules_only(STORY + last + "\n\n" + STORY).removed, last


def test_framed_finds_the_lines_with_a_button_at_either_end():
    from cleaner import controls

    texts = ["  Close Subscribe now", "Subscribe now", "Email address  SUBMIT  ", "Close",
             "   Search", "Closet doors", "enclose it", "", "Menu Sections", "Sections menu"]
    assert controls.framed(texts) == [0, 2, 8, 9]
    assert controls.framed([]) == []
    def read(line: str) -> list[str]:
        return [line[a:b] for a, b in controls.readings(line)]

    # One left out (the last, then the first), then two: both last, one at
    # each end, both first.
    assert read("Close search Search") == ["Close search", "search Search", "Close", "search", "Search"]
    assert read("Close Accept and close") == ["Close Accept and", "Accept and close", "Accept and"]
    assert read("* Menu Close") == ["* Menu"]
    assert read("Search Search") == ["Search"]
    assert read("Close") == read("Closet doors") == []
