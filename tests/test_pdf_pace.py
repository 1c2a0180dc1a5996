"""What makes WeasyPrint's long layouts cheaper (editions/writers/pdf_pace.py) changes nothing else."""

from __future__ import annotations

import gc

import pydyf
from weasyprint.layout import LayoutContext

from editions.writers.pdf_pace import (
    _Footnotes,
    footnotes_found_at_once,
    no_full_collections,
    page_references_counted_once,
)


def _add_page(pdf: pydyf.PDF) -> None:
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference}))


def test_page_references_are_pydyfs_own_even_as_pages_are_added() -> None:
    pdf, plain = pydyf.PDF(), pydyf.PDF()
    original = pydyf.PDF.page_references
    with page_references_counted_once():
        assert pydyf.PDF.page_references is not original
        for count in range(1, 6):
            _add_page(pdf)
            _add_page(plain)
            for _ in range(3):  # read again without a new page: the same references
                assert pdf.page_references == original.fget(plain)
            assert len(pdf.page_references) == count
    assert pydyf.PDF.page_references is original
    assert pdf.page_references == plain.page_references


def _full_collections(make: int) -> int:
    """How many full collections Python runs by itself while `make` long-lived containers are made."""
    seen = []

    def note(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(info)

    gc.collect()
    gc.callbacks.append(note)
    try:
        kept = [[index] for index in range(make)]
    finally:
        gc.callbacks.remove(note)
    assert len(kept) == make
    return len(seen)


def test_no_full_collections_defers_them_and_then_puts_the_collector_back() -> None:
    thresholds = gc.get_threshold()
    # The same work outside the block runs full collections: the test can tell.
    assert _full_collections(400_000) > 0
    with no_full_collections():
        assert _full_collections(400_000) == 0
        assert gc.get_threshold()[:2] == thresholds[:2]  # the young collections go on
    assert gc.get_threshold() == thresholds


def test_footnotes_still_to_place_are_the_lists_own_but_for_no_footnote() -> None:
    notes = [object(), object()]
    kept = _Footnotes(notes)
    assert notes[0] in kept and notes[1] in kept and object() not in kept
    assert None not in kept
    copy = kept.copy()
    assert type(copy) is _Footnotes and copy == kept and copy is not kept
    kept.remove(notes[0])
    assert notes[0] not in kept and notes[0] in copy


def test_footnotes_found_at_once_lasts_for_the_block_only() -> None:
    original = LayoutContext.__init__
    with footnotes_found_at_once():
        assert LayoutContext.__init__ is not original
    assert LayoutContext.__init__ is original
