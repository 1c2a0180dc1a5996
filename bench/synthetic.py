"""The benchmark's synthetic corpus: complete reports in our format, generated from a fixed seed.

    .venv/bin/python bench/synthetic.py [--out bench/corpus] [--quick]

Writes an editions project (pyproject.toml and reports/) whose templates and catalogs are the repository's:

- `synthetic-1`: about 80 A4 pages in English (10 chapters, ~29k words, 150 footnotes, 20 figures, a table
  per chapter, citations of a references.bib), with a French translation;
- `synthetic-1b`: a second report of the same size (another seed), in English and French, so that four
  editions of equal size exist for the parallel build;
- `synthetic-4`: four times as long (40 chapters, about 310 pages), in English.

`--quick` divides every size by four. The text is pseudo-text: words drawn from a fixed vocabulary by a seeded
generator, so two generations are byte-identical; no name, quote or identifier in it is real (identifiers are
UUIDs derived from the report's name, never ISBNs). Figures are PNG charts drawn from the same seed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "corpus"

WORDS_PER_CHAPTER = 2850  # body and notes: 10 chapters make ~29k words and about 80 A4 pages
NOTES_PER_CHAPTER = 15
FIGURES_PER_CHAPTER = 2
SECTIONS_PER_CHAPTER = 4
REFERENCES = 30


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_EN = _words(
    "defenders community protection rights land territory women network risk security organisation "
    "authorities court police village report analysis strategy collective meeting support family public "
    "policy local national international mechanism response threat attack campaign dialogue member "
    "leader group water forest river road project company permit license evidence testimony witness "
    "lawyer judge hearing detention release trust fear violence peace safety assembly association "
    "expression information knowledge practice training plan assessment incident registry document "
    "budget resource programme partner donor agency ministry office province district region border "
    "movement youth student teacher worker farmer fisher elder council school clinic radio message "
    "the a of and in to for with on by from as at that which this their its our these those every "
    "each many several some most few other new old first second last long short early late common "
    "shared local formal informal careful slow quick open closed public private safe unsafe strong "
    "weak clear vague recent former future present small large wide narrow "
    "is are was were has have had will would can could may might should must does did "
    "shows describes notes suggests records explains compares finds builds keeps supports reduces "
    "increases protects documents limits shapes follows changes guides remains becomes"
)
_FR = _words(
    "défenseurs communauté protection droits terre territoire femmes réseau risque sécurité organisation "
    "autorités tribunal police village rapport analyse stratégie collective réunion soutien famille "
    "politique locale nationale internationale mécanisme réponse menace attaque campagne dialogue membre "
    "responsable groupe eau forêt rivière route projet entreprise permis licence preuve témoignage témoin "
    "avocate juge audience détention libération confiance peur violence paix sûreté assemblée association "
    "expression information savoir pratique formation plan évaluation incident registre document budget "
    "ressource programme partenaire donateur agence ministère bureau province district région frontière "
    "mouvement jeunesse étudiant enseignante travailleur paysanne pêcheur aîné conseil école clinique "
    "le la les un une des du de et en à pour avec sur par dans que qui ce cette ces leur leurs notre "
    "chaque plusieurs quelques autres nouveau ancien premier second dernier long court commun partagé "
    "formel informel prudent lent rapide ouvert fermé public privé sûr fragile fort faible clair récent "
    "futur présent petit grand large étroit élevé "
    "est sont était étaient a ont avait sera serait peut pourrait doit devrait fait "
    "montre décrit note suggère recense explique compare trouve construit garde soutient réduit "
    "accroît protège documente limite façonne suit change guide demeure devient"
)


@dataclass(frozen=True)
class Language:
    """What the generator needs of a language: its words and its few fixed phrases."""

    tag: str
    words: tuple[str, ...]
    chapter: str
    section: str
    figure: str
    alt: str
    table: str
    columns: tuple[str, str, str]
    title: str
    subtitle: str
    see: str


ENGLISH = Language(
    "en",
    _EN,
    "Chapter",
    "Part",
    "Synthetic chart",
    "A bar chart with eight coloured bars of different heights over a shaded background",
    "Synthetic figures for chapter",
    ("Measure", "Before", "After"),
    "A synthetic report for the benchmark",
    "Generated text, scale",
    "see the figure",
)
FRENCH = Language(
    "fr",
    _FR,
    "Chapitre",
    "Partie",
    "Graphique synthétique",
    "Un graphique à huit barres colorées de hauteurs différentes sur un fond dégradé",
    "Chiffres synthétiques du chapitre",
    ("Mesure", "Avant", "Après"),
    "Un rapport synthétique pour le banc d'essai",
    "Texte généré, échelle",
    "voir la figure",
)


@dataclass(frozen=True)
class ReportSpec:
    """One report of the corpus: its name, seed, number of chapters and languages."""

    slug: str
    seed: int
    chapters: int
    languages: tuple[Language, ...]


def corpus_specs(quick: bool = False, unit: int | None = None) -> tuple[ReportSpec, ...]:
    """The reports of the corpus; `quick` divides every size by four; `unit` sets the chapters of the
    short reports (the long one has four times as many): the test uses one."""
    unit = unit or (10 // 4 if quick else 10)  # 2 chapters (≈20 pages) or 10 (≈80 pages)
    return (
        ReportSpec("synthetic-1", 1, unit, (ENGLISH, FRENCH)),
        ReportSpec("synthetic-1b", 2, unit, (ENGLISH, FRENCH)),
        ReportSpec("synthetic-4", 4, 4 * unit, (ENGLISH,)),
    )


def generate(out: Path, quick: bool = False, unit: int | None = None) -> Path:
    """Write the corpus project into `out` (files whose bytes did not change are left alone); returns it.

    The French translations are then recorded as up to date (`editions i18n accept`), as a translator
    would after review, so that the French editions are translations and not fallbacks to English.
    """
    specs = corpus_specs(quick, unit)
    files = {"pyproject.toml": _pyproject(out).encode("utf-8")}
    for spec in specs:
        files |= {f"reports/{spec.slug}/{name}": data for name, data in _report_files(spec).items()}
    for name, data in sorted(files.items()):
        _write_if_changed(out / name, data)
    for spec in specs:
        for language in spec.languages[1:]:
            _accept(out, spec.slug, language.tag)
    return out


def _pyproject(out: Path) -> str:
    # Relative paths to the repository's templates and catalogs: the corpus renders exactly like our
    # reports, and two generations at the same place are byte-identical.
    templates = Path(os.path.relpath(ROOT / "templates", out.absolute())).as_posix()
    locales = Path(os.path.relpath(ROOT / "locales", out.absolute())).as_posix()
    return (
        "# Generated by bench/synthetic.py: a synthetic project for the benchmark. Do not edit.\n"
        "[tool.editions]\n"
        'name = "Synthetic benchmark corpus"\n'
        'publisher = "Protection International"\n'
        'reports = "reports"\n'
        f'templates = "{templates}"\n'
        f'locales = "{locales}"\n'
        'output = "output"\n'
        'language = "en"\n'
    )


def _report_files(spec: ReportSpec) -> dict[str, bytes]:
    files: dict[str, bytes] = {"report.toml": _report_toml(spec).encode("utf-8")}
    files["references.bib"] = _bibliography(spec).encode("utf-8")
    figures = spec.chapters * FIGURES_PER_CHAPTER
    for number in range(1, figures + 1):
        files[f"images/fig-{number:03d}.png"] = _figure(spec.seed * 1000 + number)
    for language in spec.languages:
        for number in range(1, spec.chapters + 1):
            text = _chapter(spec, language, number)
            files[f"{language.tag}/{number:02d}-chapter.md"] = text.encode("utf-8")
    return files


def _report_toml(spec: ReportSpec) -> str:
    source, *others = spec.languages
    lines = [
        f'source_language = "{source.tag}"',
        f"translations = [{', '.join(f'{chr(34)}{o.tag}{chr(34)}' for o in others)}]",
        "date = 2026-01-15",
        'publisher = "Protection International"',
        'authors = ["Protection International"]',
        'licence = "CC BY-NC-SA 4.0"',
        'bibliography = "references.bib"',
        "",
        "[cover]",
        'background = "#2b4c7e"',
        'text = "#ffffff"',
        'accent = "#f2c14e"',
        "",
        "[release]",
        'stale = "allow"',
    ]
    for language in spec.languages:
        lines += ["", f"[identifiers.{language.tag}]"]
        for fmt in ("pdf", "epub"):
            name = uuid.uuid5(uuid.NAMESPACE_URL, f"editions-bench:{spec.slug}:{language.tag}:{fmt}")
            lines.append(f'{fmt} = "urn:uuid:{name}"')
    return "\n".join(lines) + "\n"


def _bibliography(spec: ReportSpec) -> str:
    rng = random.Random(f"bib-{spec.seed}")
    entries = []
    for number in range(1, REFERENCES + 1):
        title = " ".join(rng.choice(_EN) for _ in range(rng.randint(5, 10))).capitalize()
        entries.append(
            f"@techreport{{ref{number:02d},\n"
            f"  author      = {{{{Synthetic Research Group {number:02d}}}}},\n"
            f"  title       = {{{title}}},\n"
            f"  year        = {{{2000 + rng.randint(0, 25)}}},\n"
            f"  institution = {{Synthetic Institute {rng.randint(1, 9)}}},\n"
            f"  number      = {{SYN-{rng.randint(100, 999)}}}\n"
            "}\n"
        )
    return "\n".join(entries)


def _chapter(spec: ReportSpec, language: Language, number: int) -> str:
    """One chapter file: front matter (first chapter), sections with ids, notes, figures, a table."""
    rng = random.Random(f"{spec.seed}-{language.tag}-{number}")
    words = language.words
    budget = WORDS_PER_CHAPTER
    parts = []
    if number == 1:
        parts.append(_front_matter(spec, language, rng))
    parts.append(f"# {language.chapter} {number}: {_phrase(rng, words, 3, 6)} {{#chapter-{number}}}\n")
    notes = []
    note_calls = _spread(rng, NOTES_PER_CHAPTER, SECTIONS_PER_CHAPTER)
    figure_places = _spread(rng, FIGURES_PER_CHAPTER, SECTIONS_PER_CHAPTER)
    figure = (number - 1) * FIGURES_PER_CHAPTER
    per_section = budget * 85 // 100 // SECTIONS_PER_CHAPTER  # the rest goes into the notes
    for section in range(1, SECTIONS_PER_CHAPTER + 1):
        parts.append(
            f"## {language.section} {number}.{section}: {_phrase(rng, words, 2, 5)} "
            f"{{#chapter-{number}-part-{section}}}\n"
        )
        paragraphs = _paragraphs(rng, words, per_section)
        calls = note_calls[section - 1]
        for index, paragraph in enumerate(paragraphs):
            if calls and index % 2 == 1:
                for _ in range(min(calls, 2)):
                    label = f"n{number}-{len(notes) + 1}"
                    notes.append((label, _sentences(rng, words, budget * 15 // 100 // NOTES_PER_CHAPTER)))
                    paragraph = _insert(rng, paragraph, f"[^{label}]")
                    calls -= 1
            if index % 3 == 0:
                paragraph = _insert(rng, paragraph, _citation(rng))
            parts.append(paragraph + "\n")
        for _ in range(calls):  # notes left over: on the last paragraph
            label = f"n{number}-{len(notes) + 1}"
            notes.append((label, _sentences(rng, words, budget * 15 // 100 // NOTES_PER_CHAPTER)))
            parts[-1] = parts[-1].rstrip("\n") + f"[^{label}]\n"
        for _ in range(figure_places[section - 1]):
            figure += 1
            parts.append(
                f"{_phrase(rng, words, 8, 14).capitalize()} ([{language.see}](#fig-{figure:03d})).\n\n"
                f"![{language.figure}: {_phrase(rng, words, 4, 8)}](images/fig-{figure:03d}.png)"
                f'{{#fig-{figure:03d} alt="{language.alt}"}}\n'
            )
        if section == 2:
            parts.append(_table(rng, language, number))
    parts += [f"[^{label}]: {text}\n" for label, text in notes]
    return "\n".join(parts)


def _front_matter(spec: ReportSpec, language: Language, rng: random.Random) -> str:
    abstract = "\n".join("  " + line for line in _paragraphs(rng, language.words, 160))
    scale = spec.chapters / 10
    return (
        "---\n"
        f'title: "{language.title} ({spec.slug})"\n'
        f'subtitle: "{language.subtitle} {scale:g}"\n'
        f"abstract: |\n{abstract}\n"
        f"translators: [{'' if language is ENGLISH else 'Synthetic translation team'}]\n"
        f"keywords: [{', '.join(language.words[:4])}]\n"
        "---\n"
    )


def _spread(rng: random.Random, count: int, bins: int) -> list[int]:
    """`count` items over `bins` places, as evenly as possible, the remainder placed at random."""
    spread = [count // bins] * bins
    for index in rng.sample(range(bins), count % bins):
        spread[index] += 1
    return spread


def _paragraphs(rng: random.Random, words: tuple[str, ...], budget: int) -> list[str]:
    paragraphs = []
    while budget > 0:
        size = min(budget, rng.randint(60, 130))
        paragraphs.append(_sentences(rng, words, size))
        budget -= size
    return paragraphs


def _sentences(rng: random.Random, words: tuple[str, ...], budget: int) -> str:
    sentences = []
    while budget > 0:
        size = max(3, min(budget, rng.randint(8, 24)))
        chosen = [rng.choice(words) for _ in range(size)]
        if size > 12:
            chosen[size // 2] += ","
        emphasis = rng.randrange(1, size)
        if rng.random() < 0.15 and not chosen[emphasis].endswith(","):
            chosen[emphasis] = f"*{chosen[emphasis]}*"
        sentences.append(" ".join(chosen).capitalize() + ".")
        budget -= size
    return " ".join(sentences)


def _phrase(rng: random.Random, words: tuple[str, ...], low: int, high: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high))).capitalize()


def _insert(rng: random.Random, paragraph: str, mark: str) -> str:
    """`mark` after a word-ending period of `paragraph`, or at its end."""
    stops = [index for index, char in enumerate(paragraph) if char == "."]
    at = rng.choice(stops) if stops else len(paragraph)
    if mark.startswith("[@"):
        return paragraph[:at] + " " + mark + paragraph[at:]
    return paragraph[:at] + mark + paragraph[at:]


def _citation(rng: random.Random) -> str:
    key = f"ref{rng.randint(1, REFERENCES):02d}"
    return f"[@{key}, p. {rng.randint(3, 240)}]" if rng.random() < 0.7 else f"[@{key}]"


def _table(rng: random.Random, language: Language, chapter: int) -> str:
    head = "| " + " | ".join(language.columns) + " |\n|---|---:|---:|\n"
    rows = "".join(
        f"| {_phrase(rng, language.words, 1, 3)} | {rng.randint(1, 400)} | {rng.randint(1, 400)} |\n"
        for _ in range(6)
    )
    return head + rows + f"\n: {language.table} {chapter} {{#tbl-{chapter}}}\n"


def _figure(seed: int) -> bytes:
    """A 1000×625 PNG bar chart over a shaded, slightly grainy background (like a scanned chart)."""
    rng = random.Random(seed)
    width, height = 1000, 625
    ramp = bytes(200 + (x * 55) // width for x in range(width))
    background = Image.frombytes("L", (width, height), ramp * height).convert("RGB")
    # Coarse grain (one random value per 4×4 pixels): it compresses like a scan, not like pure noise.
    coarse = Image.frombytes("L", (width // 4, height // 4), rng.randbytes((width // 4) * (height // 4)))
    grain = coarse.resize((width, height), Image.Resampling.NEAREST).convert("RGB")
    image = Image.blend(background, grain, 0.05)
    draw = ImageDraw.Draw(image)
    bars = 8
    for bar in range(bars):
        top = rng.randint(80, height - 120)
        left = 80 + bar * (width - 160) // bars
        colour = (rng.randint(20, 200), rng.randint(40, 160), rng.randint(60, 220))
        draw.rectangle((left + 12, top, left + (width - 160) // bars - 12, height - 60), fill=colour)
    draw.line((60, height - 60, width - 40, height - 60), fill=(30, 30, 30), width=4)
    draw.line((60, 40, 60, height - 60), fill=(30, 30, 30), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _accept(out: Path, slug: str, tag: str) -> None:
    """Record a translation as reviewed, through the editions command itself (in this process)."""
    from editions.cli.main import main as editions

    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        status = editions(["-C", str(out), "i18n", "accept", slug, tag])
    if status != 0:
        raise SystemExit(f"editions i18n accept {slug} {tag} failed:\n{said.getvalue()}")


def main() -> None:
    """Generate the corpus where --out says."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="where (default: bench/corpus[-quick])")
    parser.add_argument("--quick", action="store_true", help="every report a quarter of its size")
    options = parser.parse_args()
    out = options.out or (DEFAULT_OUT.with_name("corpus-quick") if options.quick else DEFAULT_OUT)
    generate(out.absolute(), options.quick)
    print(f"corpus in {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
