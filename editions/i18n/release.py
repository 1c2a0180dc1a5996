"""The release policy: which editions `--release` refuses because their translation is incomplete or stale."""

from __future__ import annotations

from pathlib import Path

from editions.i18n.tracking import SectionState
from editions.model import Job


def release_problem(job: Job) -> str:
    """Why `job` may not be released under its report's (or the site's) policy; "" when it may."""
    status = job.translation.status
    if status is None:
        return ""
    policy = job.report.release or job.site.release
    refused = [state for state in ("missing", "stale") if getattr(policy, state) == "refuse"]
    lines = [
        f"  {section.state} section '{section.id}' ({_where(section, job.site.root)})"
        for state in refused
        for section in status.sections
        if section.state == state
    ]
    if not lines:
        return ""
    return (
        f"not released: the release policy refuses {' and '.join(refused)} sections, and this "
        f"translation has {len(lines)}:\n" + "\n".join(lines) + "\n  update the translation, then "
        f"`python3 build.py i18n accept {job.report.slug} {job.translation.language.tag}`; or build "
        "without --release for a preview"
    )


def _where(section: SectionState, root: Path) -> str:
    """Where to look: the translated section when it is stale, the source's when it is missing."""
    place = section.translation if section.state == "stale" and section.translation else section.source
    return str(place.location.relative(root))
