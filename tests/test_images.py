"""Image cleaning side by side: the same files, in the same order, with the same errors, as one by one."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image as PILImage

from editions.cache import Cache
from editions.errors import ErrorGroup
from editions.prepare.images import cleaned_ahead, named_images, prepare_images


def _figures(report: Path) -> list[str]:
    """Twelve pictures of different sizes and kinds, two wider than the limit, four JPEG."""
    (report / "images").mkdir(parents=True)
    sources = []
    for number in range(12):
        kind = "jpg" if number % 3 == 0 else "png"
        width = 2100 if number in (5, 10) else 200 + 60 * number
        picture = PILImage.new("RGB", (width, 150 + 17 * number), (20 * number, 90, 255 - number))
        picture.save(report / "images" / f"fig-{number:02}.{kind}")
        sources.append(f"images/fig-{number:02}.{kind}")
    return sources


@pytest.mark.parametrize("broken", [False, True])
def test_images_cleaned_by_two_threads_are_those_one_thread_cleans(tmp_path: Path, broken: bool) -> None:
    report = tmp_path / "report"
    sources = _figures(report)
    text = report / "en.md"
    text.write_text("".join(f"![Figure {number}]({source})\n\n" for number, source in enumerate(sources)))
    if broken:  # two bad images among good ones: both are reported, at their lines, in the text's order
        (report / sources[4]).write_bytes(b"not a picture")
        sources.insert(8, "images/missing.png")
        text.write_text(text.read_text() + "![Lost](images/missing.png)\n")
    results = {}
    for threads in (1, 2):
        work = tmp_path / f"work-{threads}"
        work.mkdir()
        try:
            images = prepare_images(
                sources, report, (text,), work, Cache(tmp_path / f"cache-{threads}"), threads
            )
        except ErrorGroup as errors:
            results[threads] = [error.render(report) for error in errors.errors]
        else:
            results[threads] = [(image.source, image.name, image.path.read_bytes()) for image in images]
    assert results[2] == results[1]
    if broken:
        assert len(results[1]) == 2
        assert results[1][0].startswith("en.md:9: error: image 'images/fig-04.png' cannot be read")
        assert results[1][1].startswith("en.md:25: error: image 'images/missing.png' does not exist")
    else:
        assert [source for source, _, _ in results[1]] == sources
        assert len({name for _, name, _ in results[1]}) == len(sources)


def test_images_named_by_the_text_are_the_reports_own_files_it_spells_out(tmp_path: Path) -> None:
    report = tmp_path / "report"
    sources = _figures(report)
    outside = tmp_path / "elsewhere.png"
    PILImage.new("RGB", (40, 40)).save(outside)
    (report / "images" / "linked.png").symlink_to(outside)
    (report / "images" / "notes.txt").write_text("images/notes.txt")
    text = "".join(f"![Figure]({source})\n" for source in sources[:5]) + "[^1]: see images/fig-07.png\n"
    text += "![Linked](images/linked.png) ![Text](images/notes.txt)\n"
    named = named_images(report, text)
    assert [path.relative_to(report.resolve()).as_posix() for path in named] == [*sources[:5], sources[7]]


def test_images_cleaned_ahead_are_taken_from_the_cache_byte_for_byte(tmp_path: Path) -> None:
    """While pandoc runs, an idle core cleans the named images into the cache, a broken one quietly (it
    is reported where it is used); `prepare_images` then finds them there, the bytes it makes alone."""
    report = tmp_path / "report"
    sources = _figures(report)
    (report / sources[2]).write_bytes(b"not a picture")
    text = "".join(f"![Figure]({source})\n" for source in sources)
    cache = Cache(tmp_path / "cache")
    good = [source for source in sources if source != sources[2]]
    with cleaned_ahead(report, [text], cache, threads=2):
        deadline = time.monotonic() + 60
        while len(_entries(cache)) < len(good) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert len(_entries(cache)) == len(good)  # all but the broken one
    # Made again without a cache, each image is the cached one, byte for byte.
    for folder in ("cached", "alone"):
        (tmp_path / folder).mkdir()
    cached = prepare_images(good, report, (), tmp_path / "cached", cache, 1)
    alone = prepare_images(good, report, (), tmp_path / "alone", Cache(None), 1)
    assert [(i.name, i.path.read_bytes()) for i in cached] == [(i.name, i.path.read_bytes()) for i in alone]
    # Without an idle core, or without a cache, nothing is done ahead.
    for cores_cache, threads in ((Cache(tmp_path / "other"), 0), (Cache(None), 2)):
        with cleaned_ahead(report, [text], cores_cache, threads):
            pass
    assert not (tmp_path / "other").exists()


def _entries(cache: Cache) -> list[Path]:
    folder = cache.root / "image"
    return list(folder.iterdir()) if folder.is_dir() else []
