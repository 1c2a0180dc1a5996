"""How a language's Markdown is cut into sections (editions/sources/sections.py), on literal texts.

Every expected span, title and text below was worked out by hand from the line numbers of the texts.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest

from editions.errors import SourceError, SourceLocation
from editions.sources.sections import FRONT_MATTER, Span, fingerprint, read_sections, split_sections

A = Path("reports/r/en/01-a.md")
B = Path("reports/r/en/02-b.md")

REPORT = (
    "---\n"  # 1
    'title: "The report"\n'  # 2
    "abstract: Short.\n"  # 3
    "---\n"  # 4
    "\n"  # 5
    "# Introduction {#intro}\n"  # 6
    "\n"  # 7
    "Text one.\n"  # 8
    "\n"  # 9
    "## Methods {#methods}\n"  # 10
    "\n"  # 11
    "Text two."  # 12
)


def test_sections_start_at_each_heading_with_an_id_after_the_front_matter() -> None:
    front, intro, methods = split_sections([(A, REPORT)])
    assert (front.id, front.level, front.title) == (FRONT_MATTER, 0, "The report")
    assert front.location == SourceLocation(A, 1)
    assert front.body == (Span(A, 1, 5),)  # the four lines of the block, both "---" included
    assert front.text == 'title: "The report"\nabstract: Short.'
    assert (intro.id, intro.level, intro.title) == ("intro", 1, "Introduction")
    assert intro.location == SourceLocation(A, 6)
    assert intro.body == (Span(A, 6, 10),)
    assert intro.text == "# Introduction {#intro}\n\nText one.\n"
    assert (methods.id, methods.level, methods.title, methods.location) == (
        "methods",
        2,
        "Methods",
        SourceLocation(A, 10),
    )
    assert methods.body == (Span(A, 10, 13),)
    assert methods.text == "## Methods {#methods}\n\nText two."
    assert methods.notes == () and intro.notes == ()
    assert methods.fingerprint == hashlib.sha256(b"## Methods {#methods} Text two.").hexdigest()[:16]


def test_sections_a_text_without_front_matter_or_heading_has_no_section() -> None:
    assert split_sections([(A, "Just a paragraph.\n\nAnother one.\n")]) == ()
    assert split_sections([(A, "")]) == ()
    # An opening "---" that is never closed is no front matter either (discover reports it).
    assert split_sections([(A, "---\ntitle: x\n")]) == ()


def test_sections_a_deep_heading_without_id_stays_in_the_section_above() -> None:
    text = "# One {#one}\n\n### Detail\n\nMore.\n"
    (one,) = split_sections([(A, text)])
    assert one.body == (Span(A, 1, 6),)
    assert "### Detail" in one.text


@pytest.mark.parametrize(("line", "kind"), [("# Chapter", "chapter"), ("## Part", "section")])
def test_sections_a_chapter_or_section_heading_without_id_is_an_error_at_its_line(
    line: str, kind: str
) -> None:
    with pytest.raises(SourceError) as raised:
        split_sections([(A, f"# One {{#one}}\n\ntext\n\n{line}\n")])
    assert raised.value.location == SourceLocation(A, 5)
    assert f"this {kind} heading has no id" in raised.value.message


def test_sections_an_id_used_twice_names_both_places_even_across_files() -> None:
    with pytest.raises(SourceError) as raised:
        split_sections([(A, "# Same title {#same}\n"), (B, "\n\n# Same title {#same}\n")])
    assert raised.value.location == SourceLocation(B, 3)
    assert f"first at {A}:1" in raised.value.message


def test_sections_two_headings_with_the_same_title_and_own_ids_are_two_sections() -> None:
    one, two = split_sections([(A, "# Context {#context-a}\n\nx\n\n# Context {#context-b}\n\ny\n")])
    assert (one.id, one.title, two.id, two.title) == ("context-a", "Context", "context-b", "Context")


def test_sections_headings_inside_code_blocks_and_quotes_are_text() -> None:
    text = (
        "# One {#one}\n"  # 1
        "```markdown\n"  # 2
        "# Not a chapter {#fake}\n"  # 3
        "## Nor this\n"  # 4
        "```\n"  # 5
        "~~~\n"  # 6
        "# Nor this {#fake-2}\n"  # 7
        "~~~\n"  # 8
        "> # Quoted {#quoted}\n"  # 9
        "    # indented code {#code}\n"  # 10
        "# Two {#two}\n"  # 11
    )
    one, two = split_sections([(A, text)])
    assert (one.id, one.body, two.id, two.body) == ("one", (Span(A, 1, 11),), "two", (Span(A, 11, 12),))


def test_sections_a_code_block_ends_only_at_a_fence_as_long_as_its_own() -> None:
    # A ```` block showing a ``` block: pandoc reads all of it as code, and so must the sections.
    text = (
        "# One {#one}\n"  # 1
        "````markdown\n"  # 2
        "```\n"  # 3
        "# Inside {#inside}\n"  # 4
        "# No id either\n"  # 5
        "```\n"  # 6
        "````\n"  # 7
        "```python\n"  # 8
        "```python\n"  # 9: an info string opens a block, it never closes one
        "# comment {#not-a-section}\n"  # 10
        "```\n"  # 11
        "# Two {#two}\n"  # 12
    )
    one, two = split_sections([(A, text)])
    assert (one.id, one.body, two.id, two.body) == ("one", (Span(A, 1, 12),), "two", (Span(A, 12, 13),))


def test_sections_heading_attributes_after_the_id_are_left_out_of_id_and_title() -> None:
    (section,) = split_sections([(A, "## Cases  {#cases .unnumbered lang=es}  \n")])
    assert (section.id, section.level, section.title) == ("cases", 2, "Cases")


def test_sections_heading_ids_keep_the_colons_and_dots_pandoc_allows() -> None:
    # pandoc takes `{#sec:one}` and `{#fig.2}` as whole ids (letters, digits and - _ : .), so the
    # section ids must be the same: the translation record and the links use them.
    one, two = split_sections([(A, "# One {#sec:one}\n\n# Two {#sec.two}\n")])
    assert (one.id, two.id) == ("sec:one", "sec.two")


def test_sections_a_footnote_belongs_to_the_section_that_first_calls_it() -> None:
    text = (
        "# A {#a}\n"  # 1
        "\n"  # 2
        "Call.[^n1]\n"  # 3
        "\n"  # 4
        "# B {#b}\n"  # 5
        "\n"  # 6
        "Text B, calling it again.[^n1]\n"  # 7
        "\n"  # 8
        "[^n1]: Note one.\n"  # 9
        "    continued.\n"  # 10
        "\n"  # 11
        "More B text."  # 12
    )
    a, b = split_sections([(A, text)])
    assert a.body == (Span(A, 1, 5),) and a.notes == (Span(A, 9, 12),)
    assert a.text == "# A {#a}\n\nCall.[^n1]\n\n[^n1]: Note one.\n    continued.\n"
    assert b.body == (Span(A, 5, 9), Span(A, 12, 13)) and b.notes == ()
    assert b.text == "# B {#b}\n\nText B, calling it again.[^n1]\n\nMore B text."
    # Editing the note makes the section that calls it stale, not the one it is written in.
    edited = split_sections([(A, text.replace("continued.", "continued, corrected."))])
    assert edited[0].fingerprint != a.fingerprint
    assert edited[1].fingerprint == b.fingerprint


def test_sections_a_note_written_in_another_file_follows_its_caller() -> None:
    first = "# A {#a}\n\nSee.[^far]\n"
    second = "# Notes {#notes}\n\nThe notes.\n\n[^far]: Far away.\n"
    a, notes = split_sections([(A, first), (B, second)])
    assert a.notes == (Span(B, 5, 6),)
    assert a.text.endswith("\n[^far]: Far away.")
    assert notes.body == (Span(B, 1, 5),) and "Far away" not in notes.text


def test_sections_note_calls_inside_code_do_not_claim_the_note() -> None:
    text = "# A {#a}\n\n```\nx[^n]\n```\n\n# B {#b}\n\nReal call.[^n]\n\n[^n]: The note.\n"
    a, b = split_sections([(A, text)])
    assert a.notes == () and b.notes == (Span(A, 11, 12),)


def test_sections_a_chapter_file_that_starts_without_a_heading_continues_the_section_above() -> None:
    a, b = split_sections([(A, "# A {#a}\n\nOne.\n"), (B, "Still A.\n\n# B {#b}\n")])
    assert a.body == (Span(A, 1, 4), Span(B, 1, 3))
    assert a.text == "# A {#a}\n\nOne.\nStill A.\n"
    assert b.body == (Span(B, 3, 4),)


def test_sections_front_matter_is_read_only_from_the_first_file() -> None:
    second = "---\ntitle: Not front matter\n---\n\n# B {#b}\n"
    sections = split_sections([(A, "# A {#a}\n"), (B, second)])
    assert [section.id for section in sections] == ["a", "b"]


def test_sections_the_front_matter_fingerprint_counts_only_the_translated_keys() -> None:
    base = "---\ntitle: T\nabstract: Short.\ntranslators: [Someone]\n---\n"
    front = split_sections([(A, base)])[0]
    expected = '{"abstract": "Short.", "keywords": null, "subtitle": null, "title": "T"}'
    assert front.fingerprint == hashlib.sha256(expected.encode()).hexdigest()[:16]
    other_translator = split_sections([(A, base.replace("Someone", "Another"))])[0]
    assert other_translator.fingerprint == front.fingerprint
    new_title = split_sections([(A, base.replace("title: T", "title: U"))])[0]
    assert new_title.fingerprint != front.fingerprint


def test_sections_a_rewrapped_abstract_keeps_the_front_matter_fingerprint() -> None:
    wrapped = "---\ntitle: T\nabstract: |\n  One two\n  three.\nkeywords: [a b, c]\n---\n"
    rewrapped = "---\ntitle: T\nabstract: |\n  One\n  two three.\n\nkeywords: [a  b, c]\n---\n"
    front = split_sections([(A, wrapped)])[0]
    expected = '{"abstract": "One two three.", "keywords": ["a b", "c"], "subtitle": null, "title": "T"}'
    assert front.fingerprint == hashlib.sha256(expected.encode()).hexdigest()[:16]
    assert split_sections([(A, rewrapped)])[0].fingerprint == front.fingerprint
    reworded = split_sections([(A, wrapped.replace("three.", "four."))])[0]
    assert reworded.fingerprint != front.fingerprint


def test_sections_front_matter_that_is_not_yaml_is_still_a_section_without_a_title() -> None:
    (front, one) = split_sections([(A, "---\ntitle: [unclosed\n---\n# One {#one}\n")])
    assert (front.id, front.title, front.body) == (FRONT_MATTER, "", (Span(A, 1, 4),))
    assert one.location == SourceLocation(A, 4)


def test_sections_fingerprint_ignores_whitespace_but_not_words() -> None:
    assert fingerprint("a  b\nc\t d\n") == fingerprint("a b c d")
    assert fingerprint("a b c d") == hashlib.sha256(b"a b c d").hexdigest()[:16]
    assert fingerprint("a b c e") != fingerprint("a b c d")
    wrapped = "# A {#a}\n\nOne two three\nfour five.\n"
    rewrapped = "# A {#a}\n\nOne two\nthree four   five.\n\n\n"
    assert split_sections([(A, wrapped)])[0].fingerprint == split_sections([(A, rewrapped)])[0].fingerprint


def test_sections_unicode_ids_and_decomposed_titles_read_as_composed(tmp_path: Path) -> None:
    composed = "# Résumé {#résumé}\n\nÉté.\n"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    (tmp_path / "nfc.md").write_text(composed, encoding="utf-8")
    (tmp_path / "nfd.md").write_text(decomposed, encoding="utf-8")
    (nfc,) = read_sections((tmp_path / "nfc.md",))
    (nfd,) = read_sections((tmp_path / "nfd.md",))
    assert (nfd.id, nfd.title) == ("résumé", "Résumé")
    assert nfd.id == nfc.id and nfd.fingerprint == nfc.fingerprint


def test_sections_windows_line_ends_and_a_byte_order_mark_change_nothing(tmp_path: Path) -> None:
    unix, windows = tmp_path / "unix.md", tmp_path / "windows.md"
    unix.write_bytes(REPORT.encode())
    windows.write_bytes(b"\xef\xbb\xbf" + REPORT.replace("\n", "\r\n").encode())
    for mine, theirs in zip(read_sections((unix,)), read_sections((windows,)), strict=True):
        assert (mine.id, mine.title, mine.text, mine.fingerprint) == (
            theirs.id,
            theirs.title,
            theirs.text,
            theirs.fingerprint,
        )
        assert [(s.start, s.end) for s in mine.body] == [(s.start, s.end) for s in theirs.body]
    assert "\r" not in read_sections((windows,))[1].text
