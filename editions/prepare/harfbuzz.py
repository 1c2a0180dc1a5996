"""HarfBuzz, the library WeasyPrint and the browsers shape text with, for two jobs fontTools does in Python
at a hundred times the cost: reading which characters a face maps, and cutting a face down to a subset.

The library is the one WeasyPrint already loads (libharfbuzz and libharfbuzz-subset, which the set-up
installs); it is bound here through cffi's ABI mode, with only the few functions these jobs call. A
subset's bytes depend on HarfBuzz's version: `version()` belongs in the key of anything cached from them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

import cffi

_DECLARATIONS = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef int hb_bool_t;

const char *hb_version_string (void);
hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
unsigned int hb_face_get_glyph_count (const hb_face_t *face);
void hb_face_collect_unicodes (hb_face_t *face, hb_set_t *out);
hb_set_t *hb_set_create (void);
void hb_set_destroy (hb_set_t *set);
void hb_set_add_range (hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
void hb_set_clear (hb_set_t *set);
void hb_set_invert (hb_set_t *set);
hb_bool_t hb_set_next_range (const hb_set_t *set, hb_codepoint_t *first, hb_codepoint_t *last);

hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
_SET_VALUE_INVALID = 0xFFFFFFFF
# hb_subset_sets_t and hb_subset_flags_t (hb-subset.h)
_SETS_UNICODE = 1
_SETS_LAYOUT_FEATURE_TAG = 6
_SETS_LAYOUT_SCRIPT_TAG = 7
_FLAGS_NOTDEF_OUTLINE = 0x40


class HarfBuzzError(ValueError):
    """HarfBuzz could not read a font file or cut it down."""


@functools.cache
def _library() -> tuple[cffi.FFI, object, object]:
    """The bindings, loaded once per process (and only by a process that needs them)."""
    ffi = cffi.FFI()
    ffi.cdef(_DECLARATIONS)
    try:
        # Linux's names first: a bare name makes cffi ask ctypes' find_library, which runs ldconfig.
        harfbuzz = ffi.dlopen("libharfbuzz.so.0")
        subset = ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        harfbuzz = ffi.dlopen("harfbuzz")
        subset = ffi.dlopen("harfbuzz-subset")
    return ffi, harfbuzz, subset


@functools.cache
def version() -> str:
    """HarfBuzz's version, as "6.0.0".

    Read through ctypes: every build's plan needs it, a no-op one too, and cffi's parsing of the
    declarations above takes longer than the rest of the call."""
    for name in ("libharfbuzz.so.0", ctypes.util.find_library("harfbuzz")):
        if name:
            with contextlib.suppress(OSError):
                library = ctypes.CDLL(name)
                library.hb_version_string.restype = ctypes.c_char_p
                return library.hb_version_string().decode()
    raise HarfBuzzError("HarfBuzz is not installed: run `python build.py`, which installs it")


def mapped_ranges(path: Path, index: int = 0) -> list[tuple[int, int]]:
    """The characters face `index` of the font file at `path` maps to a glyph, as inclusive ranges, in
    order: what HarfBuzz (and so WeasyPrint, Chromium) finds in the font's best character map."""
    ffi, harfbuzz, _ = _library()
    with _face(path, index) as face:
        found = ffi.gc(harfbuzz.hb_set_create(), harfbuzz.hb_set_destroy)
        harfbuzz.hb_face_collect_unicodes(face, found)
        first, last = ffi.new("hb_codepoint_t *"), ffi.new("hb_codepoint_t *", _SET_VALUE_INVALID)
        ranges = []
        while harfbuzz.hb_set_next_range(found, first, last):
            ranges.append((first[0], last[0]))
        return ranges


def subset_font(path: Path, index: int, characters: Iterable[int]) -> bytes:
    """Face `index` of the font file at `path` cut down to `characters`, as an OpenType (sfnt) file.

    It keeps every glyph a shaper may reach from them through any layout feature of any script (Arabic
    joining forms, Thai mark stacking, ligatures, small capitals), the kerning and mark positioning, the
    hinting, and an outlined .notdef (a character that slips through shows as a box, not as nothing);
    names and the font's dates stay as the font has them.
    """
    ffi, harfbuzz, subset = _library()
    with _face(path, index) as face:
        options = ffi.gc(subset.hb_subset_input_create_or_fail(), subset.hb_subset_input_destroy)
        if options == ffi.NULL:
            raise HarfBuzzError(f"HarfBuzz could not start a subset of {path.name}")
        kept = subset.hb_subset_input_set(options, _SETS_UNICODE)
        for first, last in _ranges(characters):
            harfbuzz.hb_set_add_range(kept, first, last)
        # Every feature and every script: the default lists leave some out (`salt`, `ss01`…).
        for every in (_SETS_LAYOUT_FEATURE_TAG, _SETS_LAYOUT_SCRIPT_TAG):
            tags = subset.hb_subset_input_set(options, every)
            harfbuzz.hb_set_clear(tags)
            harfbuzz.hb_set_invert(tags)
        subset.hb_subset_input_set_flags(options, _FLAGS_NOTDEF_OUTLINE)
        result = subset.hb_subset_or_fail(face, options)
        if result == ffi.NULL:
            raise HarfBuzzError(f"HarfBuzz could not cut {path.name} down to the characters asked for")
        result = ffi.gc(result, harfbuzz.hb_face_destroy)
        blob = ffi.gc(harfbuzz.hb_face_reference_blob(result), harfbuzz.hb_blob_destroy)
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return bytes(ffi.buffer(data, length[0]))


@contextlib.contextmanager
def _face(path: Path, index: int) -> Iterator[object]:
    """A HarfBuzz face of face `index` of the font file at `path`, destroyed on leaving the `with`."""
    ffi, harfbuzz, _ = _library()
    blob = harfbuzz.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == ffi.NULL:
        raise HarfBuzzError(f"HarfBuzz could not read {path}")
    face = harfbuzz.hb_face_create(blob, index)
    harfbuzz.hb_blob_destroy(blob)  # the face holds its own reference
    try:
        if harfbuzz.hb_face_get_glyph_count(face) == 0:
            raise HarfBuzzError(f"HarfBuzz found no face {index} with glyphs in {path}")
        yield face
    finally:
        harfbuzz.hb_face_destroy(face)


def _ranges(characters: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted characters as inclusive ranges: one call into HarfBuzz per run, not per character."""
    ranges: list[tuple[int, int]] = []
    for character in sorted(set(characters)):
        if ranges and ranges[-1][1] == character - 1:
            ranges[-1] = (ranges[-1][0], character)
        else:
            ranges.append((character, character))
    return ranges
