"""The validators the tests run on real outputs: the same code as `editions check`, from editions/check/."""

from __future__ import annotations

from editions.check.accessibility import ace_file, axe_pages
from editions.check.epub import epubcheck_file
from editions.check.html import nu_pages as vnu_files
from editions.check.pdf import pdf_fonts, pdf_text, qpdf_check

__all__ = ["ace_file", "axe_pages", "epubcheck_file", "pdf_fonts", "pdf_text", "qpdf_check", "vnu_files"]
