"""Confidential passages: never in a public edition, in any format or page; kept and marked internally.

Outputs are read back with this file's own readers (poppler's pdftotext, pikepdf, zipfile, the raw bytes
of pages), not with the pipeline's audit, so a hole in the audit shows up here as a failure instead of
agreeing with itself.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOTS, command, copy_project, run, write_photo

from editions.model import Project
from editions.pipeline import plan_build
from editions.plan import Selection
from editions.plan.fingerprint import fingerprint_editions
from editions.publish.audit import audit_outputs, find_leaks, normalise
from editions.sources.confidential import find_confidential
from editions.sources.config import load_site
from editions.sources.discover import discover_reports

# Words of the marked passages: a name inline, a block with its heading, a footnote inside the block,
# a figure's caption and alt text, and a name the French file marks in its abstract.
SECRETS = ("Kowalczyk", "Kivundu", "Ignatius", "Tumbaliza", "Nyota")
MARK = "CONFIDENTIAL — internal"

ENGLISH = {
    "A short abstract with *emphasis*.": (
        "A short abstract with *emphasis*, told by [Nyota Baraka]{.confidential}."
    ),
    "Defenders rarely work alone.": (
        "Defenders rarely work alone, as [Amara Kowalczyk]{.confidential} told us."
    ),
    "# Findings {#findings}": """::: confidential
## The shelter {#shelter}

The safe house of Kivundu hosts four families.[^shelter-1]

![Amara Kowalczyk at the safe house](images/photo.jpg){#fig-house alt="A portrait of Amara Kowalczyk"}

[^shelter-1]: Contact through Brother Ignatius Tumbaliza.
:::

![The village, seen from the road](images/photo.jpg){.confidential alt="The road to Kivundu"}

# Findings {#findings}""",
}
FRENCH = {
    "Un court résumé avec de l’*emphase*.": (
        "Un court résumé avec de l’*emphase*, raconté par [Nyota Baraka]{.confidential}."
    ),
    "Les défenseurs travaillent rarement seuls.": (
        "Les défenseurs travaillent rarement seuls, comme nous l’a dit [Amara Kowalczyk]{.confidential}."
    ),
}
FRENCH_BLOCK = """
::: confidential
## Le refuge {#shelter}

La maison sûre de Kivundu accueille quatre familles.[^refuge-1]

![Amara Kowalczyk à la maison sûre](images/photo.jpg){#fig-house alt="Un portrait d’Amara Kowalczyk"}

[^refuge-1]: Contact par le frère Ignatius Tumbaliza.
:::

![Le village, vu de la route](images/photo.jpg){.confidential alt="La route de Kivundu"}
"""


def marked_project(root: Path) -> Path:
    """The basic sample with the same confidential marks in English and in French."""
    copy_project(ROOTS / "basic", root)
    write_photo(root / "reports" / "sample" / "images" / "photo.jpg")
    report = root / "reports" / "sample"
    _replace(report / "en.md", ENGLISH)
    _replace(report / "fr" / "01-introduction.md", FRENCH)
    with (report / "fr" / "01-introduction.md").open("a", encoding="utf-8") as file:
        file.write(FRENCH_BLOCK)
    return root


def _replace(path: Path, changes: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The marked sample, built once for the public and once for the internal audience."""
    root = marked_project(tmp_path_factory.mktemp("confidential") / "project")
    public = run(root)
    assert public.code == 0, public.output
    internal = run(root, "--audience", "internal")
    assert internal.code == 0, internal.output
    return root


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as poppler's pdftotext extracts it."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def pdf_strings(path: Path) -> str:
    """Every string object of a PDF: document info, XMP, bookmarks, alt texts, actual texts."""
    found: list[str] = []

    def walk(value: object, depth: int = 0) -> None:
        if depth > 8:
            return
        if isinstance(value, pikepdf.String):
            found.append(str(value))
        elif isinstance(value, pikepdf.Dictionary):
            for key in value:
                if key not in ("/Parent", "/P", "/K", "/Pg", "/Obj", "/First", "/Last", "/Next", "/Prev"):
                    walk(value[key], depth + 1)
        elif isinstance(value, pikepdf.Array):
            for item in value:
                walk(item, depth + 1)

    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            walk(obj)
        found += [str(value) for value in pdf.docinfo.values()]
        with pdf.open_metadata() as xmp:
            found.append(str(xmp))
    return "\n".join(found)


def output_texts(folder: Path) -> dict[str, str]:
    """Every text a reader or a tool could get from the files of `folder`, by file (and EPUB member)."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".pdf":
            texts[name] = "\n".join(pdf_pages(path))
            texts[f"{name} (objects)"] = pdf_strings(path)
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if not member.endswith((".png", ".jpg", ".woff2", ".ttf", ".otf")):
                        texts[f"{name}!{member}"] = html.unescape(archive.read(member).decode("utf-8"))
        elif path.suffix in (".html", ".json", ".css", ".svg", "") or path.name == "SHA256SUMS":
            texts[name] = html.unescape(path.read_text(encoding="utf-8"))
    return texts


def test_confidential_marks_found_in_every_language(tmp_path: Path) -> None:
    root = marked_project(tmp_path / "project")
    (report,), problems = discover_reports(root / "reports")
    assert problems == []
    english, french = (t.confidential for t in report.translations)
    assert ("Amara Kowalczyk", 11) in {(c.text, c.line) for c in english}
    assert {
        "Nyota Baraka",
        "The safe house of Kivundu hosts four families.",
        "Contact through Brother Ignatius Tumbaliza.",
        "The road to Kivundu",
    } <= {c.text for c in english}
    assert {"Contact par le frère Ignatius Tumbaliza.", "La route de Kivundu"} <= {c.text for c in french}
    # A short heading of a marked block is left out, but not searched for: it would refuse every
    # edition that uses its words elsewhere. Names are marked inline, and always searched for.
    assert "The shelter" not in {c.text for c in english} and "Le refuge" not in {c.text for c in french}
    assert all(c.path.name == "01-introduction.md" for c in french)
    # A name either language marks stays out of both.
    assert set(english) | set(french) == set(report.confidential)


@pytest.mark.validators
def test_public_build_leaves_confidential_out_of_every_output(built: Path) -> None:
    texts = output_texts(built / "output")
    formats = {name.split("!")[0].split(" ")[0].rsplit(".", 1)[-1] for name in texts}
    assert {"pdf", "epub", "html", "json"} <= formats
    assert any("manifest.json" in name for name in texts) and "index.html" in texts
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret} leaked into {name}"
    # The readers do read the editions: the text around the passages is there.
    assert "Defenders rarely work alone, as told us." in " ".join(texts["sample/en/sample-en.pdf"].split())
    assert "seuls, comme nous l’a dit ." in " ".join(texts["sample/fr/index.html"].split())


@pytest.mark.validators
def test_public_build_numbers_what_remains(built: Path) -> None:
    nav = zipfile.ZipFile(built / "output/sample/en/sample-en.epub").read("EPUB/nav.xhtml").decode()
    page = (built / "output/sample/en/index.html").read_text(encoding="utf-8")
    assert "shelter" not in nav and 'id="shelter"' not in page
    # The withheld figure and footnote leave no gap in the numbering of those that remain.
    assert "Figure 1:" in page and "Figure 2:" not in page and "Figure 3:" not in page
    assert page.count('role="doc-noteref"') == 2


@pytest.mark.validators
def test_internal_build_keeps_passages_and_marks_every_page(built: Path) -> None:
    internal = built / "output-internal"
    pdf = internal / "sample/en/sample-en.pdf"
    pages = pdf_pages(pdf)
    assert len(pages) > 3
    assert all(MARK in page for page in pages), [i for i, page in enumerate(pages, 1) if MARK not in page]
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/Title"]).startswith(MARK)
    text = " ".join("\n".join(pages).split())
    assert all(secret in text for secret in ("Kowalczyk", "Kivundu", "Tumbaliza", "Nyota"))
    page = (internal / "sample/fr/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page and MARK in page
    assert 'class="confidential"' in page and "Kowalczyk" in page
    with zipfile.ZipFile(internal / "sample/fr/sample-fr.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        assert f"<dc:description>{MARK}." in opf
        assert MARK in epub.read("EPUB/title.xhtml").decode()
    for landing in ("index.html", "sample/index.html"):
        assert MARK in (internal / landing).read_text(encoding="utf-8")


@pytest.mark.validators
def test_internal_build_never_writes_into_public_output(built: Path, tmp_path: Path) -> None:
    public = {p.relative_to(built / "output"): p.stat().st_mtime_ns for p in (built / "output").rglob("*")}
    assert not any(".internal" in str(p) for p in public)
    manifest = json.loads((built / "output/manifest.json").read_text(encoding="utf-8"))
    assert "Nyota" not in json.dumps(manifest, ensure_ascii=False)
    refused = run(built, "--audience", "internal", "--output", str(built / "output"))
    assert refused.code == 2
    assert "never writes into the public output folder" in refused.output
    refused = run(built, "--audience", "internal", "--output", str(built / "output" / "inside"))
    assert refused.code == 2
    after = {p.relative_to(built / "output"): p.stat().st_mtime_ns for p in (built / "output").rglob("*")}
    assert after == public


@pytest.mark.validators
def test_audience_is_part_of_every_fingerprint(built: Path) -> None:
    public = plan_build(load_site(built), Selection())
    internal = plan_build(load_site(built, audience="internal"), Selection())
    assert {e.name: e.fingerprint for e in public.editions}.keys() == {e.name for e in internal.editions}
    assert not {e.fingerprint for e in public.editions} & {e.fingerprint for e in internal.editions}
    assert all(edition.current for edition in public.editions + internal.editions)


@pytest.mark.validators
def test_audit_outputs_finds_passages_in_every_format(built: Path) -> None:
    (report,), _ = discover_reports(built / "reports")
    assert audit_outputs([built / "output"], report.confidential) == []
    found = audit_outputs([built / "output-internal"], report.confidential)
    parts = (
        "sample-en.pdf;",
        "sample-en.pdf (metadata and structure);",
        "sample-fr.epub!EPUB/chapter-01.xhtml",
    )
    for part in parts:
        assert any(part in message for message in found), part
    assert any("index.html" in message and "Nyota Baraka" in message for message in found)
    assert all(": error: the confidential text '" in message for message in found)


def test_audit_reads_text_as_words() -> None:
    (secret,) = find_confidential(Path("en.md"), "[Amara Kowalczyk]{.confidential}")
    texts = [
        ("soft hyphens", "met AMARA Kowal\u00adczyk."),
        ("hyphenated line", "met Amara Kowal-\nczyk at"),
        ("compatibility forms", "met Ａｍａｒａ Kowalczyk"),
        ("another word", "met Amara Kowalczykowa"),
    ]
    assert [leak.where for leak in find_leaks(texts, [secret])] == [
        "soft hyphens",
        "hyphenated line",
        "compatibility forms",
    ]
    assert normalise("  «Amara»\u00a0—\nKOWALCZYK ") == "amara kowalczyk"


@pytest.mark.validators
def test_audit_fails_edition_where_a_marked_name_is_also_unmarked(tmp_path: Path) -> None:
    root = marked_project(tmp_path / "project")
    source = root / "reports" / "sample" / "en.md"
    # The author marked the name once but wrote it unmarked in a later paragraph and in an alt text.
    _replace(
        source,
        {
            "Collective measures work better": "Amara Kowalczyk thinks collective measures work better",
            'alt="People sitting in a circle under a large tree"': 'alt="Nyota Baraka under a large tree"',
        },
    )
    result = run(root)
    assert result.code == 1, result.output
    lines = result.output.splitlines()
    located = [line for line in lines if line.strip().startswith("reports/sample/en.md:11: error:")]
    assert any("'Amara Kowalczyk' appears in sample/en/sample-en.pdf;" in line for line in located), lines
    assert any("appears in sample/en/sample-en.epub!EPUB/chapter-02.xhtml" in line for line in located)
    # An alt text is not page text: only the PDF's structure tree holds it.
    alt = "en.md:5: error: the confidential text 'Nyota Baraka' appears in sample/en/sample-en.pdf"
    assert any(line.strip().startswith(f"reports/sample/{alt} (metadata and structure);") for line in lines)
    assert any("'Nyota Baraka' appears in sample/en/index.html" in line for line in lines), lines
    assert not (root / "output" / "sample" / "en").exists()
    assert (root / "output" / "sample" / "fr" / "sample-fr.pdf").is_file()
    assert "FAILED: sample/en" in result.output
    texts = output_texts(root / "output")
    assert not any("Kowalczyk" in text or "Nyota" in text for text in texts.values())


@pytest.mark.validators
def test_audit_needs_pdftotext_to_publish_a_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = marked_project(tmp_path / "project")
    # A machine with only poppler's pdftoppm (which draws the cover), not its pdftotext: nothing else on
    # the PATH is needed to build.
    tools = tmp_path / "no-tools"
    tools.mkdir()
    (tools / "pdftoppm").symlink_to(shutil.which("pdftoppm"))
    monkeypatch.setenv("PATH", str(tools))
    result = run(root, "--jobs", "1", "--lang", "en", "--format", "pdf")
    assert result.code == 1, result.output
    assert "pdftotext (Debian package poppler-utils) is needed" in result.output
    assert not (root / "output" / "sample" / "en").exists()


@pytest.mark.validators
def test_section_marked_on_its_heading_stays_out_even_before_it_is_translated(sample: Path) -> None:
    # Only the English source has this section: the French edition shows it from the source, and must
    # leave it out all the same.
    _replace(
        sample / "reports" / "sample" / "en.md",
        {
            "# Findings {#findings}": "## Witnesses {#witnesses .confidential}\n\n"
            "The witness Oduya Lindqvist spoke to us.\n\n# Findings {#findings}"
        },
    )
    public = run(sample)
    assert public.code == 0, public.output
    texts = output_texts(sample / "output")
    assert not [name for name, text in texts.items() if "Lindqvist" in text or "Witnesses" in text]
    internal = run(sample, "--audience", "internal", "--lang", "fr", "--format", "html")
    assert internal.code == 0, internal.output
    page = (sample / "output-internal" / "sample" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "The witness Oduya Lindqvist spoke to us." in page


def test_a_mark_in_one_language_rebuilds_every_language(sample: Path) -> None:
    def fingerprints() -> dict[str, str]:
        (report,), _ = discover_reports(sample / "reports")
        return fingerprint_editions(Project(load_site(sample), (report,)))

    before = fingerprints()
    _replace(
        sample / "reports" / "sample" / "fr" / "02-findings.md",
        {"fonctionnent mieux": "fonctionnent mieux, selon [Oduya Lindqvist]{.confidential}"},
    )
    after = fingerprints()
    # The English sources did not change, but the English editions must be audited for the new name.
    assert before["sample/en"] != after["sample/en"] and before["sample/fr"] != after["sample/fr"]


@pytest.mark.validators
def test_assemble_refuses_an_internal_part_for_the_public_site(built: Path, tmp_path: Path) -> None:
    part = built / "output-internal"
    assert (part / "manifest.json").is_file()  # the internal build the module made
    site = tmp_path / "site"
    result = command(built, "assemble", str(part), "--output", str(site))
    assert result.code == 2
    assert "a part holds confidential text, so nothing was published" in result.output
    assert not (site / "manifest.json").exists()
    checked = command(built, "check", str(part))  # and `editions check` names the leak
    assert checked.code == 1 and "it must not be published" in checked.output
