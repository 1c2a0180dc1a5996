"""One Jinja2 environment per language: autoescaped, strict, with Babel's gettext and formatting."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
from babel.support import Translations
from lxml import html as lxml_html

from editions import i18n
from editions.convert.sanitize import audit_markup
from editions.errors import RenderError, SourceLocation
from editions.model import Language
from editions.writers.addresses import mount_url


def make_environment(
    templates_dir: Path, language: Language, translations: Translations
) -> jinja2.Environment:
    """An environment whose `_()` and filters speak `language`."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,  # every template, whatever its file name: sources are not trusted markup
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(translations, newstyle=True)
    environment.filters["long_date"] = lambda date: i18n.long_date(date, language)
    environment.filters["file_size"] = lambda size: i18n.file_size(size, language)
    environment.filters["join_list"] = lambda items: i18n.list_of(items, language)
    environment.globals["language"] = language
    environment.globals["language_name"] = lambda other: i18n.language_name_in(other, language)
    return environment


def render(environment: jinja2.Environment, name: str, **context: object) -> str:
    """Render template `name`; a template mistake becomes a RenderError at its file and line.

    A page that could run a script or fetch from elsewhere is refused, whatever put it there.
    """
    try:
        text = environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(
            f"template syntax: {error.message}", SourceLocation(Path(error.filename or name), error.lineno)
        ) from None
    except jinja2.TemplateError as error:
        raise RenderError(f"template: {error}", _template_frame(name)) from None
    problems = _audit(name, text)
    if problems:
        raise RenderError(
            f"the page would contain {problems[0]}; it was refused so that it never reaches readers"
            + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""),
            SourceLocation(Path(name)),
        )
    return text


def _audit(name: str, text: str) -> list[str]:
    if not name.endswith((".html", ".xhtml", ".svg")):
        return []
    # The HTML parser reads XHTML and SVG templates too, even those that are fragments of a page.
    page = lxml_html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    # The print page names its files on the PDF renderer's sandboxed host, which only serves them.
    return audit_markup(page, own=mount_url("edition"))


_PARSER = lxml_html.HTMLParser(encoding="utf-8")


def _template_frame(name: str) -> SourceLocation:
    """The innermost template line in the traceback: Jinja maps its frames back to template files."""
    traceback = sys.exc_info()[2]
    location = SourceLocation(Path(name))
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xhtml", ".css", ".svg", ".j2", ".opf", ".xml")):
            location = SourceLocation(Path(filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return location
