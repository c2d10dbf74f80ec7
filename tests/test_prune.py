"""HTML pruning before extraction: class and id tokens (cleaner/data/prune.yaml) as XPath."""
from __future__ import annotations

import pytest

from cleaner.prune import DATA, load, prune_xpath

lxml_html = pytest.importorskip("lxml.html")
etree = pytest.importorskip("lxml.etree")

PAGE = """<html><body class="newsletter-page"><main><article class="post">
<h1>Council votes on the budget</h1>
<p>The council voted on Tuesday to cut the budget for the newsletter the town sends to residents.</p>
<div class="Newsletter-Box wide"><p>Sign up for our free daily newsletter</p></div>
<div id="onetrust-banner-sdk"><p>We use cookies to improve your experience.</p></div>
<section class="paywall-overlay"><p>Subscribe to continue reading</p></section>
<aside class="donation-modal"><p>Support our journalism today</p></aside>
<p class="no-paywall-here">The vote was 7 to 2, and the mayor said the cuts would hold.</p>
</article></main></body></html>"""


def pruned_text(html: str) -> str:
    doc = lxml_html.fromstring(html)
    for expr in prune_xpath():
        for el in etree.XPath(expr)(doc):
            el.getparent().remove(el)
    return doc.text_content()


def test_every_kind_has_tokens_and_the_xpath_compiles():
    data = load(DATA)
    assert {"newsletter", "paywall", "donation", "cookie"} <= set(data)
    exprs = prune_xpath()
    assert len(exprs) == len(data)
    for expr in exprs:
        etree.XPath(expr)


def test_mission_boxes_go_and_the_article_stays():
    text = pruned_text(PAGE)
    for gone in ("Sign up for our free daily newsletter", "We use cookies",
                 "Subscribe to continue reading", "Support our journalism"):
        assert gone not in text
    # the body's own class, a whole-token near miss and article sentences stay
    assert "budget for the newsletter the town sends" in text
    assert "The vote was 7 to 2" in text


def test_html_input_is_pruned_before_extraction():
    trafilatura = pytest.importorskip("trafilatura")  # noqa: F841
    from cleaner.reader import html_to_text

    body = "".join(f"<p>Paragraph {i} of the council story, with enough words to count as text.</p>"
                   for i in range(6))
    page = (f"<html><body><article><h1>Council</h1>{body}"
            "<div class='newsletter-signup'><p>Get the best of our reporting every morning, "
            "straight from the editors, with no advertising at all.</p></div>"
            "</article></body></html>")
    text = html_to_text(page)
    assert "Paragraph 5 of the council story" in text
    assert "straight from the editors" not in text


def test_an_article_body_marked_as_paywalled_content_stays():
    # Sites mark the paywalled article body for search engines (class="paywall-google");
    # neither that nor any element holding five paragraphs is pruned.
    paras = "".join(f"<p>Paragraph {i} of the story.</p>" for i in range(6))
    page = (f"<html><body><div class='article-body paywall-google'>{paras}</div>"
            f"<div class='newsletter-box'>{paras}</div></body></html>")
    text = pruned_text(page)
    assert text.count("Paragraph 5 of the story.") == 2
