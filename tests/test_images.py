"""Image cleaning side by side: the same files, in the same order, with the same errors, as one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image as PILImage

from editions.cache import Cache
from editions.errors import ErrorGroup
from editions.prepare.images import prepare_images


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
