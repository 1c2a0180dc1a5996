"""PDF checks: qpdf on the syntax, poppler on the fonts, pikepdf on the structure accessible PDFs need."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from editions.check.findings import Finding, common_folder, one_line, shown_path
from editions.check.tools import pdffonts, pdftotext, qpdf, require_pikepdf, run_tool
from editions.i18n import parse_language

if TYPE_CHECKING:
    import pikepdf

_SAFE_LINKS = ("https://", "http://", "mailto:")


def check_pdfs(paths: Sequence[Path], root: Path | None = None) -> list[Finding]:
    """Every PDF's syntax, fonts and structure; paths are named from `root`."""
    root = root or common_folder(paths)
    return [finding for path in paths for finding in check_pdf(path, root)]


def check_pdf(path: Path, root: Path) -> list[Finding]:
    """One PDF: qpdf finds no damage, every font is embedded, the structure is tagged and complete."""
    name = shown_path(path, root)
    return [
        *(Finding(name, None, "qpdf", problem) for problem in _qpdf_problems(path)),
        *(Finding(name, None, "pdffonts", problem) for problem in _font_problems(path)),
        *(Finding(name, None, "pdf", problem) for problem in structure_problems(path)),
    ]


def structure_problems(path: Path) -> list[str]:
    """What a PDF lacks for assistive technology and safe reading, read with pikepdf.

    Tagged (/StructTreeRoot, /MarkInfo /Marked), a language and a title the viewer shows, pages that run
    from right to left in a right-to-left language, alternative text on every figure, no embedded file,
    links only to the web, to e-mail addresses or inside the document; and for a print file
    (`…-print.pdf`) a bleed around every page's trim box, for a screen file pages cut to their trim.
    """
    require_pikepdf()
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as error:
        return [f"cannot be read: {one_line(str(error).replace(f'{path}: ', ''))}"]
    with pdf:
        return [
            *_catalog_problems(pdf),
            *_figure_problems(pdf),
            *_annotation_problems(pdf),
            *_box_problems(pdf, print_file=path.name.endswith("-print.pdf")),
        ]


def qpdf_check(path: Path) -> tuple[int, str]:
    """qpdf --check: exit 0 when the file's structure is sound, and everything qpdf printed."""
    done = run_tool([qpdf(), "--check", str(path)], "qpdf", timeout=300)
    return done.returncode, done.stdout + done.stderr


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """Each font of a PDF and whether it is embedded, as pdffonts lists them."""
    done = subprocess.run([pdffonts(), str(path)], capture_output=True, text=True, check=True)
    return _font_table(done.stdout)


def pdf_text(path: Path, raw: bool = True) -> str:
    """The text poppler extracts from a PDF: in content order with `raw` (which keeps Thai marks with
    their letters), else in reading order (which puts right-to-left lines in logical order)."""
    return subprocess.run(
        [pdftotext(), *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _qpdf_problems(path: Path) -> list[str]:
    code, report = qpdf_check(path)
    if code == 0:
        return []
    # qpdf names the file in every message: the finding already does.
    lines = [one_line(line.replace(f"{path}: ", "").replace(f"{path} ", "")) for line in report.splitlines()]
    problems = [line for line in lines if line.startswith(("WARNING", "ERROR"))]
    return (
        problems
        or [line for line in lines if line.startswith("qpdf:")]
        or [f"exit {code}: {one_line(report)}"]
    )


def _font_problems(path: Path) -> list[str]:
    done = run_tool([pdffonts(), str(path)], "pdffonts", timeout=120)
    if done.returncode != 0:
        return [f"cannot list the fonts: {one_line(done.stderr)}"]
    return [f"font {name} is not embedded" for name, embedded in _font_table(done.stdout) if not embedded]


def _font_table(listing: str) -> list[tuple[str, bool]]:
    # Below two header lines, one font per line; counted from the end, as names may hold spaces:
    # ... emb sub uni object-number generation.
    return [(line.split()[0], line.split()[-5] == "yes") for line in listing.splitlines()[2:] if line.strip()]


def _catalog_problems(pdf: pikepdf.Pdf) -> Iterator[str]:
    catalog = pdf.Root
    if "/StructTreeRoot" not in catalog:
        yield "not tagged: the catalog has no /StructTreeRoot"
    if not bool(catalog.get("/MarkInfo", {}).get("/Marked", False)):
        yield "not marked as tagged: /MarkInfo /Marked is not true"
    if not str(catalog.get("/Lang", "")).strip():
        yield "no document language: the catalog has no /Lang"
    if not str(pdf.docinfo.get("/Title", "")).strip():
        yield "no document title: the document information has no /Title"
    if not bool(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        yield "viewers show the file name, not the title: /ViewerPreferences /DisplayDocTitle is not true"
    if "/EmbeddedFiles" in catalog.get("/Names", {}):
        yield "embeds files: the catalog's /Names has /EmbeddedFiles"
    language = str(catalog.get("/Lang", "")).strip()
    direction = str(catalog.get("/ViewerPreferences", {}).get("/Direction", ""))
    if language and _right_to_left(language) and direction != "/R2L":
        yield "a right-to-left document whose pages run left to right: no /ViewerPreferences /Direction /R2L"


def _right_to_left(tag: str) -> bool:
    try:
        return parse_language(tag).direction == "rtl"
    except ValueError:
        return False


def page_boxes(page: pikepdf.Page) -> dict[str, tuple[float, float, float, float]]:
    """A page's boxes as (left, bottom, right, top); the ones it does not set default as the PDF says."""

    def box(name: str, default: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        value = page.obj.get(name)
        if value is None:
            return default
        left, bottom, right, top = (float(v) for v in value)
        return min(left, right), min(bottom, top), max(left, right), max(bottom, top)

    media = box("/MediaBox", (0, 0, 0, 0))
    crop = box("/CropBox", media)
    bleed = box("/BleedBox", crop)
    return {"media": media, "crop": crop, "bleed": bleed, "trim": box("/TrimBox", crop)}


def _box_problems(pdf: pikepdf.Pdf, print_file: bool) -> Iterator[str]:
    for number, page in enumerate(pdf.pages, start=1):
        boxes = page_boxes(page)
        trim, bleed, media = boxes["trim"], boxes["bleed"], boxes["media"]
        if print_file and not (
            bleed[0] < trim[0] and bleed[1] < trim[1] and bleed[2] > trim[2] and bleed[3] > trim[3]
        ):
            yield f"page {number}: a print file without bleed: the /BleedBox is not larger than the /TrimBox"
            return
        if not print_file and boxes["crop"] != trim:
            yield f"page {number}: a screen file showing more than its page: the /CropBox is not the /TrimBox"
            return
        if not all(media[i] <= bleed[i] for i in (0, 1)) or not all(media[i] >= bleed[i] for i in (2, 3)):
            yield f"page {number}: the /BleedBox reaches beyond the /MediaBox"
            return


def _figure_problems(pdf: pikepdf.Pdf) -> Iterator[str]:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    roles = tree.get("/RoleMap", {})
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    for element in _structure_elements(tree):
        if _standard_role(element, roles) == "/Figure" and not str(element.get("/Alt", "")).strip():
            page = element.get("/Pg")
            where = f"page {pages.get(page.objgen, '?')}: " if page is not None else ""
            yield f"{where}a figure has no alternative text (/Alt)"


def _structure_elements(tree: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below the root, in document order."""
    import pikepdf

    stack = [tree.get("/K")]
    seen = set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect and node.objgen in seen:
                continue  # a malformed tree may loop
            seen.add(node.objgen)
            if "/S" in node:  # marked-content and object references carry no /S
                yield node
                stack.append(node.get("/K"))


def _standard_role(element: pikepdf.Dictionary, roles: pikepdf.Dictionary) -> str:
    """The standard structure type an element maps to through the /RoleMap."""
    role = str(element.get("/S"))
    for _ in range(10):  # a role map may chain names; a cycle must not hang the check
        if role not in roles:
            break
        role = str(roles[role])
    return role


def _annotation_problems(pdf: pikepdf.Pdf) -> Iterator[str]:
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.get("/Annots", []):
            subtype = annotation.get("/Subtype")
            if subtype == "/FileAttachment":
                yield f"page {number}: a file is attached (/FileAttachment annotation)"
            elif subtype == "/Link" and not _safe_link(annotation):
                yield f"page {number}: a link leads to {_link_target(annotation)}"


def _safe_link(annotation: pikepdf.Dictionary) -> bool:
    """A link to a place in the document, a web page or an e-mail address."""
    action = annotation.get("/A", {})
    if "/Dest" in annotation or action.get("/S") == "/GoTo":
        return True
    return action.get("/S") == "/URI" and str(action.get("/URI", "")).startswith(_SAFE_LINKS)


def _link_target(annotation: pikepdf.Dictionary) -> str:
    action = annotation.get("/A", {})
    if "/URI" in action:
        return str(action["/URI"])
    kind = action.get("/S")
    return f"a {kind} action" if kind is not None else "nowhere (no /Dest and no action)"
