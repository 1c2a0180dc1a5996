"""The fonts WeasyPrint lays pages out with (the PDF, the cover): @font-face rules and the folders they
are read from, for shipped faces and for faces taken from system packages (see font_sources)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path

from editions.prepare.fonts import Face, FontSet


def faces_for(fonts: FontSet, languages: Iterable[str]) -> tuple[Face, ...]:
    """The faces of the stacks of `languages`, with the default stack's. WeasyPrint loads every face it
    is given, and a CJK face costs half a second even in a French PDF that never uses it."""
    stacks = [fonts.stack_for(language) for language in {"", *languages}]
    families = {
        family
        for stack in stacks
        for value in (getattr(stack, field.name) for field in dataclasses.fields(stack))
        if isinstance(value, tuple)
        for family in value
    }
    return tuple(face for face in fonts.faces if face.family in families)


def font_face_rules(faces: tuple[Face, ...], templates: Path) -> str:
    """@font-face rules pointing at the font files; WeasyPrint embeds only the glyphs used."""
    return "".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("{_font_url(face, templates)}"); }}\n'
        for face in faces
    )


def font_mounts(faces: Iterable[Face], templates: Path) -> dict[str, Path]:
    """The folders of faces from system packages, each mounted on its own beside the templates'."""
    folders = {face.path.parent for face in faces if not face.path.is_relative_to(templates)}
    return {_font_mount(folder): folder for folder in folders}


def _font_url(face: Face, templates: Path) -> str:
    """A face's URL, relative to the templates' (the page's base): a shipped file, or one in the mount of a
    packaged font's folder beside them (a relative URL, as the page audit accepts no other in CSS)."""
    if face.path.is_relative_to(templates):
        return face.path.relative_to(templates).as_posix()
    return f"../{_font_mount(face.path.parent)}/{face.path.name}"


def _font_mount(folder: Path) -> str:
    # Named after the folder's own name, not its place: WeasyPrint derives internal names from URLs, and
    # the PDF must be the same on every machine, whatever the home or cache folder.
    return "fonts-" + hashlib.sha256(folder.name.encode()).hexdigest()[:12]
