"""editions: Protection International's publishing pipeline (Markdown → HTML, PDF and EPUB editions)."""

__version__ = "0.1.0"
