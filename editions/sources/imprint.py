"""What a report's imprint says beyond its authors: the kind of publication, contributors, funders,
contact, and the identifiers of its editions (an ISBN only once assigned, else a derived urn:uuid)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from editions.model import CONTRIBUTOR_ROLES, Contributor, Format, Publication
from editions.sources.plaintext import markup_problem


def publication(value: dict[str, Any]) -> Publication:
    """The kind of publication and what its imprint carries, from report.toml's checked values."""
    contact = value["contact"] if isinstance(value["contact"], dict) else {}
    return Publication(
        kind=value["kind"],
        document_number=value["document_number"].strip(),
        isbn_assigned=value["isbn_assigned"],
        funders=tuple(name.strip() for name in value["funders"]),
        acknowledgements=tuple(
            (tag, text.strip()) for tag, text in sorted(value["acknowledgements"].items())
        ),
        contributors=tuple(
            Contributor(entry["name"].strip(), entry["role"], tuple(entry.get("languages", [])))
            for entry in value["contributors"]
        ),
        contact=tuple((key, str(text).strip()) for key, text in sorted(contact.items())),
    )


def contributor_problem(entry: object) -> str | None:
    """What is wrong with one [[contributors]] table, or None."""
    if not isinstance(entry, dict) or set(entry) - {"name", "role", "languages"}:
        return "each [[contributors]] table takes name, role and languages"
    name, role, languages = entry.get("name"), entry.get("role"), entry.get("languages", [])
    if not isinstance(name, str) or not name.strip():
        return 'a contributor needs a name = "…"'
    if role not in CONTRIBUTOR_ROLES:
        return f"a contributor's role is one of: {', '.join(CONTRIBUTOR_ROLES)}"
    if not isinstance(languages, list) or not all(isinstance(tag, str) for tag in languages):
        return 'languages is a list of language tags, e.g. languages = ["fr"]'
    return markup_problem(name)


def default_identifier(slug: str, tag: str, fmt: Format) -> str:
    """The identifier of an edition that report.toml does not name: a UUID derived from the report's
    slug, language and format, so it is the same in every build and never collides with an ISBN."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'editions:{slug}/{tag}/{fmt.value}')}"


def identifier_problem(value: object) -> str | None:
    """Why `value` is not a usable publication identifier (urn:isbn: with a valid check digit, urn:uuid:)."""
    if not isinstance(value, str):
        return 'missing; write e.g. pdf = "urn:isbn:9795000000037" or a urn:uuid:'
    if value.startswith("urn:uuid:") and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", value):
        return None
    digits = value.removeprefix("urn:isbn:").replace("-", "")
    if not value.startswith("urn:isbn:") or not re.fullmatch(r"97[89]\d{10}", digits):
        return f"'{value}' is neither urn:isbn: with 13 digits nor urn:uuid:"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    return None if int(digits[12]) == check else f"'{value}' has a wrong ISBN check digit (expected {check})"
