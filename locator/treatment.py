"""The "About treatment" patient information, read from Markdown files.

Each section is one file in ``data/treatment`` named ``NN-slug.md``, where
``NN`` is a number giving the order and ``slug`` names the section. A file
starts with a ``# `` heading, the section title; the rest is the body, in
Markdown. The text is transcribed word for word from the clinics' own pages
(``data/source/clinic-pages.txt``); this module only reads it.

Pure Python, no UI: :mod:`components.treatment` draws the sections.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from locator import messages
from locator.errors import TreatmentContentError

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "treatment"

_FILE_NAME = re.compile(r"^(?P<order>\d+)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
# An ATX heading may end with a run of closing hashes, which is not part of
# the title ("# Title #" is the same heading as "# Title").
_TITLE_LINE = re.compile(r"^#[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Section:
    """One section of the patient information.

    ``slug`` comes from the file name (``02-microsclerotherapy.md`` →
    ``"microsclerotherapy"``) and is unique, so it can serve as an anchor or
    key. ``title`` is the text of the ``# `` heading, without the hashes.
    ``body_markdown`` is everything after the heading, without the blank
    lines around it; it may contain ``##`` sub-headings, paragraphs and lists.
    """

    slug: str
    title: str
    body_markdown: str


def load_sections(directory: str | os.PathLike[str] | None = None) -> tuple[Section, ...]:
    """Read every ``NN-slug.md`` file in ``directory``, in numeric order.

    ``directory`` defaults to ``data/treatment`` in this repository, found
    relative to this file, so it works whatever the working directory is.
    Order is by the number as a number (``2-…`` before ``10-…``), then by
    file name. Files not ending in ``.md``, hidden files and sub-folders are
    ignored. Files are read as UTF-8; a byte-order mark and Windows line
    endings are accepted.

    Raises :class:`TreatmentContentError` if the folder does not exist or
    holds no ``.md`` file, or if a ``.md`` file has no ``NN-slug`` name,
    does not start with a ``# `` heading (blank lines before it are allowed),
    has an empty title or body, is not valid UTF-8, or repeats another
    file's slug.
    """
    folder = DEFAULT_DIRECTORY if directory is None else Path(directory)
    if not folder.is_dir():
        raise _bad(
            f"The treatment information folder {folder} does not exist."
        )

    paths = [
        path
        for path in folder.iterdir()
        if path.suffix == ".md" and not path.name.startswith(".") and path.is_file()
    ]
    if not paths:
        raise _bad(
            f"The treatment information folder {folder} has no .md files; "
            "add one file per section, named like 01-thread-veins.md."
        )

    ordered = sorted(_order_and_slug(path) + (path,) for path in paths)
    sections: list[Section] = []
    seen: dict[str, Path] = {}
    for _order, slug, path in ordered:
        if slug in seen:
            raise _bad(
                f"{path.name} and {seen[slug].name} have the same slug {slug!r}; "
                "each section needs its own name."
            )
        seen[slug] = path
        title, body = _split_title(path)
        sections.append(Section(slug=slug, title=title, body_markdown=body))
    return tuple(sections)


def _order_and_slug(path: Path) -> tuple[int, str]:
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise _bad(
            f"{path.name} in {path.parent} is not named like 01-thread-veins.md "
            "(a number for the order, a hyphen, then lower-case words joined by hyphens)."
        )
    return int(match["order"]), match["slug"]


def _split_title(path: Path) -> tuple[str, str]:
    try:
        # utf-8-sig because editors on Windows like to add a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise _bad(f"{path} is not valid UTF-8 text: {error}.") from error

    text = _LEADING_BLANK_LINES.sub("", text)
    first_line, _, rest = text.partition("\n")
    match = _TITLE_LINE.match(first_line)
    if match is None or not match["title"].strip():
        raise _bad(
            f"{path.name} must start with a '# ' heading giving the section title, "
            f"but its first line is {first_line[:60]!r}."
        )

    # Only blank lines are trimmed from the start: leading spaces on the
    # first body line are Markdown (an indented code block or list item).
    body = _LEADING_BLANK_LINES.sub("", rest).rstrip()
    if not body:
        raise _bad(f"{path.name} has a title but no text under it.")
    return match["title"].strip(), body


def _bad(detail: str) -> TreatmentContentError:
    """The error for a problem in the files: a plain sentence for the page, what to fix as its detail."""
    return TreatmentContentError(messages.TREATMENT_UNAVAILABLE, detail=detail)
