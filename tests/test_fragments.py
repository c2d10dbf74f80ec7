"""Named fragments ({{name}}) in rule patterns: expansion, errors, and the shipped vocabulary."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.alternatives import inside
from cleaner.errors import RuleError
from cleaner.fragments import (FragmentError, expand, fragments_dir, load_fragments,
                               parse_file, references)
from cleaner.rules import load_rules
from conftest import written_patterns

LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "pl")
# The families of the mission: every one of these exists in all eight languages.
CORE = ("subscribe_verb", "newsletter_noun", "inbox", "donate_verb", "pay_period",
        "signin", "register", "follow_verb", "cookie_noun", "site_uses", "price",
        "subscription_noun", "continue_reading", "invalid_email", "your_support",
        # paywall notices and offers
        "subscribers", "exclusive_word", "this_piece", "read_on_purpose", "read_on_call",
        "limit_reached", "free_articles", "trial_period", "first_month_free", "first_month",
        "free_of_charge", "trial_verb", "meter_opening", "unlimited_access", "price_from", "for_first_periods",
        # newsletter boxes, donation and payment forms, cookie banners
        "thanks_signup", "never_miss", "support_journalism", "card_field", "pay_button",
        "payment_method_label", "pay_with", "if_you_value", "please", "donation_frequency", "other_amount", "we_use_cookies",
        "change_consent", "policy_pointer", "tip_jar", "reader_question", "signup_discount",
        "our_newsletter", "messenger_alerts", "newsletter_frame", "unsubscribe_call", "if_you_can",
        "with_consent", "signup_call", "signup_gain", "account_question", "contact_call", "or_lead",
        # the thirty-fifth and thirty-eighth probes' families
        "trial_ending", "choose_plan", "activate_access", "institution_access", "follow_alerts",
        "preferences_saved", "tax_relief", "legacy_gift", "employer_match", "fundraiser_widget",
        "pay_what_you_want", "save_for_later",
        # the forty-first probe's families
        "subscription_status", "account_purpose", "preferred_source", "e_paper", "transfer_detail", "crypto_gift",
        "group_offer", "referral_call", "no_cookies",
        # the forty-seventh probe's families
        "cookie_declaration", "passwordless_signin", "ad_unlock", "free_to_read", "free_to_read_tail",
        "newsletter_sample", "gift_use",
        # the fifty-first probe's families
        "password_rules", "gift_code", "app_store_restore", "text_to_give", "other_gifts",
        "transfer_call", "secure_payment", "newsletter_crowd", "digest_pick", "digest_tail", "cadence",
        "subscriber_perk",
        # the fifty-ninth probe's family
        "delivery_service",
        # the sixty-fifth probe's families
        "before_reading_on", "cookie_choice",
        # the seventy-fifth probe's
        "into_inbox",
        # the eighty-first probe's
        "one",
        # sign-in widgets and social profiles
        "social_signin", "forgot_password", "social_networks", "we_respect_privacy", "piece_noun",
        "email_address", "opt_in_wish", "newsletter_does", "data_promise", "signup_promise",
        "forward_to_friend", "signin_required", "header_link", "comment_gate", "start_trial", "not_logged_in", "free_issues",
        "need_support", "gift_article", "premium_part", "raised_goal", "first_appeared_newsletter",
        "manage_newsletter", "do_not_sell", "accept_essential", "sent_every", "tcf_purpose", "all_newsletters", "confirm_link", "access_all", "register_free", "external_content", "ad_free_read", "trial_for", "special_offer", "session_expired",
        # page furniture: ad walls and slots, prompts, corrections links, time-stamps
        "adblock_notice", "continue_after_ad", "notifications_call", "report_error",
        "time_label", "time_ago", "relative_day", "load_more", "notifications_ask", "browser_notice", "comments_moderated", "required_field", "wiki_page_info", "feed_link", "comment_action", "like_count",
        "social_media")

FRAGS = {"verb": {"en": ("subscribe", r"sign\s+up"), "de": ("abonnieren",)},
         "noun": {"en": ("newsletters?",)},
         "both": {"en": ("{{verb}} {{noun}}",)}}


def write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return p


def test_expand_all_languages_and_one_language():
    assert expand("^{{verb}}$", FRAGS) == r"^(?:subscribe|sign\s+up|abonnieren)$"
    assert expand("^{{verb.de}}$", FRAGS) == "^(?:abonnieren)$"


def test_fragments_may_name_fragments():
    assert expand("{{both}}", FRAGS) == r"(?:(?:subscribe|sign\s+up|abonnieren) (?:newsletters?))"


@pytest.mark.parametrize("pattern", [r"^\d{2,3}$", r"(?:payment){e<=1}", r"a{2}", r"\{{verb}}"])
def test_regex_braces_are_not_fragments(pattern):
    assert expand(pattern, FRAGS) == pattern


@pytest.mark.parametrize("pattern, message", [
    ("{{nope}}", "unknown fragment {{nope}}"),
    ("{{verb.fr}}", "has no 'fr' entry"),
    ("{{Verb}}", "malformed fragment reference"),
])
def test_bad_references_are_errors(pattern, message):
    with pytest.raises(FragmentError, match=re.escape(message)):
        expand(pattern, FRAGS)


def test_fragments_referring_to_each_other_in_a_loop_are_an_error():
    with pytest.raises(FragmentError, match="loop"):
        expand("{{a}}", {"a": {"en": ("{{b}}",)}, "b": {"en": ("{{a}}",)}})


def test_references_lists_names():
    assert references("^{{verb}} x {{noun.en}}") == ["verb", "noun.en"]


def test_a_space_in_a_fragment_matches_any_whitespace_and_block_scalars_give_one_per_line():
    parsed = parse_file("verb: |\n  sign up\n  opt in ?now\n", "x.yaml")
    assert parsed == {"verb": (r"sign\s+up", r"opt\s+in ?now")}


@pytest.mark.parametrize("body, message", [
    ("- a\n- b\n", "expected a mapping"),
    ("Bad-Name: [x]\n", "must be lower-case"),
    ("verb: []\n", "non-empty list"),
    ("verb: [a\n", "YAML error"),
    ("verb: [a]\nnoun: [b]\nverb: [c]\n", r"x\.yaml:3: YAML error: duplicate key 'verb'"),
])
def test_bad_fragment_files(body, message):
    with pytest.raises(FragmentError, match=message):
        parse_file(body, "x.yaml")


def test_a_comment_inside_a_block_is_an_error_naming_file_and_line():
    """Inside a block scalar "# ..." is not a YAML comment but an alternative,
    a pattern matching the comment's own words: the loader refuses it."""
    body = "verb: |\n  subscribe\n  # the German ones are in de.yaml\n  sign up\n"
    with pytest.raises(FragmentError, match=r"^x\.yaml:3: fragment 'verb': .*not a comment"):
        parse_file(body, "x.yaml")
    # The same words as a real comment at the margin above are not the line named.
    with pytest.raises(FragmentError, match=r"^x\.yaml:4: "):
        parse_file("# the German ones are in de.yaml\n" + body, "x.yaml")
    # A pattern may still open with "#" (a hashtag, an issue number).
    assert parse_file("tag: |\n  #\\w+\n  \\# \\d+\n", "x.yaml") == {"tag": (r"#\w+", r"\#\s+\d+")}


def test_a_yaml_error_names_the_file_and_line():
    # A quote left single in a single-quoted alternative, as in "l'articolo".
    body = "verb: |\n  subscribe\nnoun:\n  - 'a|l'articolo|b'\n"
    with pytest.raises(FragmentError, match=r"^x\.yaml:4: YAML error: "):
        parse_file(body, "x.yaml")


def test_load_fragments_reads_one_file_per_language(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEAN_CACHE_DIR", "")
    write(tmp_path, "en.yaml", "verb: |\n  subscribe\n")
    write(tmp_path, "de.yaml", "verb: |\n  abonnieren\n")
    assert load_fragments(tmp_path) == {"verb": {"de": ("abonnieren",), "en": ("subscribe",)}}


def test_shipped_fragments_cover_the_core_families_in_eight_languages():
    frags = load_fragments(fragments_dir())
    missing = [(name, lang) for name in CORE for lang in LANGS if lang not in frags.get(name, {})]
    assert not missing, f"core fragments missing: {missing}"


def test_every_shipped_fragment_is_named_by_a_shipped_pattern_or_fragment():
    """No dead vocabulary: words added to a fragment no rule names change nothing
    (consent_verb, donation_noun, email_field and us were such, in every language)."""
    named = {ref.split(".")[0] for _, pattern in written_patterns() for ref in references(pattern)}
    frags = load_fragments(fragments_dir())
    for alternatives in frags.values():
        for alts in alternatives.values():
            for alt in alts:
                named.update(ref.split(".")[0] for ref in references(alt))
    assert sorted(set(frags) - named) == []


def test_every_shipped_fragment_compiles_with_re():
    frags = load_fragments(fragments_dir())
    for name in frags:
        re.compile(expand("{{%s}}" % name, frags))   # the shipped packs must stay `re`-readable


def test_a_user_rule_file_may_use_the_shipped_fragments(tmp_path):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.signup
          description: newsletter call to action
          pattern: '^{{subscribe_verb}}\\b.{0,40}{{newsletter_noun}}$'
          examples:
            drop: ["Schrijf je in voor onze nieuwsbrief"]
            keep: ["The newsletter was late."]
    """)
    cleaner = Cleaner([p], builtin=False, heuristics=False)
    assert cleaner.clean("Schrijf je in voor onze nieuwsbrief\nThe newsletter was late.\n") \
        == "The newsletter was late.\n"


def test_an_unknown_fragment_names_file_line_and_rule(tmp_path):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.ok
          pattern: '^ok$'
        - id: mine.bad
          pattern: '^{{no_such_fragment}} now$'
    """)
    with pytest.raises(RuleError) as e:
        load_rules([p], builtin=False)
    msg = str(e.value)
    assert f"{p}:3" in msg and "mine.bad" in msg and "{{no_such_fragment}}" in msg
    assert "\n" not in msg


def test_cli_unknown_fragment_is_one_line_exit_2(tmp_path, run_clean):
    p = write(tmp_path, "mine.yaml", "- id: mine.bad\n  pattern: '{{nope}}'\n")
    r = run_clean("--rules", p, "-", input=b"hello\n")
    err = r.stderr.decode()
    assert r.returncode == 2
    assert err.startswith("clean: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"{p}:1" in err and "mine.bad" in err


def test_rules_list_expanded_shows_the_expanded_pattern(tmp_path, run_clean):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.signup
          kind: newsletter
          langs: [en, de]
          pattern: '^{{subscribe_verb.de}} newsletter$'
    """)
    r = run_clean("rules", "list", "--no-builtin-rules", "--rules", p, "--expanded")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "mine.signup" in out and "kind: newsletter" in out and "langs: en de" in out
    assert "{{" not in out and "abonnieren" in out
    plain = run_clean("rules", "list", "--no-builtin-rules", "--rules", p).stdout.decode()
    assert "abonnieren" not in plain


# --- {{word_start}}: "\b" before a word character only -----------------------------------------

WORD_START = r"\b(?=\w)"


def _first_chars(items, rest=()):
    """The characters a sequence of parsed items can start with: a set of
    (op, av) class items, or None when one of them could be any character
    (or the sequence can be empty and nothing follows)."""
    from re import _constants as C

    out = []
    for k, (op, av) in enumerate(items):
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):            # zero-width: look further on
            continue
        if op is C.LITERAL:
            return out + [(op, av)]
        if op is C.IN:
            return out + list(av)
        if op is C.SUBPATTERN:
            return _merge(out, _first_chars(list(av[-1]), list(items[k + 1:]) + list(rest)))
        if op is C.BRANCH:
            after = list(items[k + 1:]) + list(rest)
            for alternative in av[1]:
                out = _merge(out, _first_chars(list(alternative), after))
                if out is None:
                    return None
            return out
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _, body = av
            if lo >= 1:
                return _merge(out, _first_chars(list(body), list(items[k + 1:]) + list(rest)))
            out = _merge(out, _first_chars(list(body), list(items[k + 1:]) + list(rest)))
            if out is None:
                return None
            continue
        return None                                          # any, a category outside a class...
    return _merge(out, _first_chars(list(rest))) if rest else None


def _merge(a, b):
    return None if a is None or b is None else a + b


def _opens_a_word(item) -> bool:
    from re import _constants as C

    op, av = item
    if op is C.LITERAL:
        return chr(av).isalnum() or chr(av) == "_"
    if op is C.RANGE:
        return all(chr(c).isalnum() for c in range(av[0], av[1] + 1))
    return op is C.CATEGORY and av in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT,
                                       C.CATEGORY_WORD, C.CATEGORY_UNI_WORD)


def test_what_follows_word_start_opens_with_a_word_character():
    """``{{word_start}}`` lets re skip the places where a word ends, which is
    right only if every alternative after it opens with a word character: one
    that opened with "€" or a quote would silently never match."""
    from re import _constants as C, _parser

    def after_word_start(items):
        for k in range(len(items) - 1):
            op, av = items[k]
            nxt_op, nxt_av = items[k + 1]
            if op is C.AT and av is C.AT_BOUNDARY and nxt_op is C.ASSERT and nxt_av[0] == 1:
                yield items[k + 2:]
        for op, av in items:
            for sub in inside(op, av):
                yield from after_word_start(list(sub))

    checked = 0
    for rule in load_rules([]):
        if WORD_START not in rule.pattern.pattern:
            continue
        tree = _parser.parse(rule.pattern.pattern, rule.pattern.source_flags)
        for rest in after_word_start(list(tree)):
            firsts = _first_chars(list(rest))
            assert firsts is not None, f"{rule.id}: cannot tell what follows {{{{word_start}}}}"
            assert all(map(_opens_a_word, firsts)), \
                f"{rule.id}: an alternative after {{{{word_start}}}} opens with a non-word character"
            checked += 1
    assert checked >= 60


def test_the_check_of_word_start_finds_an_alternative_opening_with_a_symbol():
    from re import _parser

    good = _parser.parse(r"\b(?=\w)(?:said|wrote|(?:gave|\d+) euros)", re.I)
    bad = _parser.parse(r"\b(?=\w)(?:said|€\d+)", re.I)
    assert all(map(_opens_a_word, _first_chars(list(good)[2:])))
    assert not all(map(_opens_a_word, _first_chars(list(bad)[2:])))


# An alternative that ends the line itself: "Externer Inhalt\W{0,3}$".
_ENDS_LINE = re.compile(r"\\W\{0,\d\}\$$|\\W\*\$$|\\s\*\[[^\]]*\]\?\$$")


def test_no_word_edge_right_after_a_fragment_whose_alternatives_may_end_in_a_stop():
    r"""A rule that writes ``{{name}}\b`` after a fragment with an alternative that
    ends the line (``...\W{0,3}$``) can never match that alternative on a line
    ending in a stop or a colon: the edge after "Inhalt." is no word edge.
    cookies.external-content and donation.transfer-call wrote it ("Unser
    Spendenkonto:" stayed); they write ``(?:\b.{0,200})?$`` now."""
    frags = load_fragments(fragments_dir())
    found = []
    for where, pattern in written_patterns():
        for m in re.finditer(r"\{\{(\w+)\}\}\\b", pattern):
            ending = [alt for alts in frags.get(m.group(1), {}).values() for alt in alts
                      if _ENDS_LINE.search(alt.rstrip())]
            if ending:
                found.append((where, m.group(1), ending[0]))
    assert found == []
