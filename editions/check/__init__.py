"""`editions check`: the validators our outputs must pass, as a library.

EPUBCheck and DAISY Ace on EPUBs, the Nu Html Checker and axe-core on HTML pages, qpdf, poppler and pikepdf
on PDFs. Each runs once over all of its files; every problem is a `Finding`, printed as one located line.
The command itself is in editions/cli/check.py.
"""

from __future__ import annotations

from editions.check.findings import Finding
from editions.check.outputs import SiteCheck, check_site, site_files
from editions.check.tools import MissingTool, ToolFailed

__all__ = ["Finding", "MissingTool", "SiteCheck", "ToolFailed", "check_site", "site_files"]
