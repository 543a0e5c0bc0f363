"""The "About treatment" information: faithful to the clinics' pages, and loaded safely.

The clinics' pages (``data/source/clinic-pages.txt``, a byte-identical copy of
``shared/seed/000_7d703a214c63c008.txt``) are the only source of facts. The
faithful-transcription checker below compares sentences, not words: every
sentence in the Markdown must be a whole sentence of the pages, and every
heading a phrase from them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locator.treatment import Section, TreatmentContentError, load_sections

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_COPY = REPO_ROOT / "data" / "source" / "clinic-pages.txt"
SHARED_SEED = REPO_ROOT.parent / "shared" / "seed" / "000_7d703a214c63c008.txt"
TREATMENT_DIR = REPO_ROOT / "data" / "treatment"

# Everything from this heading on is the contact block, which the app takes
# from data/clinics.toml instead.
CONTACT_HEADING = "Contact us"
PAGE_FURNITURE = ("Read More", "Close X", "view image", "to top", "View on google map", "»")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_EMPHASIS = re.compile(r"[*_]")


# --- the checker -------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(normalise(text)) if s]


def source_sentences(source: str) -> set[str]:
    """Every sentence of the pages; each line of the page text is one paragraph."""
    found: set[str] = set()
    for line in source.splitlines():
        found.update(split_sentences(line.strip().lstrip("•")))
    return found


def markdown_blocks(markdown: str) -> list[tuple[str, str]]:
    """Split Markdown into ("heading", text) and ("text", text) blocks, markup removed.

    Headings are one line; a list item starts a new block; a paragraph runs
    until a blank line, so text wrapped over several lines stays one block.
    """
    blocks: list[tuple[str, str]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(("text", _EMPHASIS.sub("", normalise(" ".join(current)))))
            current.clear()

    for line in markdown.splitlines():
        if _HEADING.match(line):
            flush()
            blocks.append(("heading", _EMPHASIS.sub("", normalise(_HEADING.sub("", line)))))
        elif _BULLET.match(line):
            flush()
            current.append(_BULLET.sub("", line))
        elif not line.strip():
            flush()
        else:
            current.append(line)
    flush()
    return blocks


def unsourced(markdown: str, source: str) -> list[str]:
    """The sentences and headings of ``markdown`` that the pages do not contain.

    A sentence must be a *whole* sentence of the pages, so a fragment lifted
    out of context ("Nurofen or paracetamol can be taken.") is caught too.
    """
    sentences = source_sentences(source)
    flat_source = normalise(source)
    problems = []
    for kind, text in markdown_blocks(markdown):
        if kind == "heading":
            if text not in flat_source:
                problems.append(text)
        else:
            problems.extend(s for s in split_sentences(text) if s not in sentences)
    return problems


_MONEY = re.compile(r"[£€$]\s*\d|\d\s*(?:pounds?|euros?|gbp|eur)\b", re.IGNORECASE)
_HOURS = re.compile(
    r"opening hours|open from|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day",
    re.IGNORECASE,
)


def prices_or_hours(text: str) -> list[str]:
    return [m.group(0) for m in _MONEY.finditer(text)] + [m.group(0) for m in _HOURS.finditer(text)]


# --- fixtures ----------------------------------------------------------------


@pytest.fixture(scope="module")
def source() -> str:
    return SOURCE_COPY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def patient_information(source: str) -> str:
    return source.split(f"\n{CONTACT_HEADING}\n", 1)[0]


@pytest.fixture(scope="module")
def sections() -> tuple[Section, ...]:
    return load_sections()


def markdown_of(section: Section) -> str:
    return f"# {section.title}\n\n{section.body_markdown}"


# --- the source copy ---------------------------------------------------------


def test_the_repository_copy_of_the_pages_is_the_recorded_seed_text() -> None:
    # The copy in data/source/ is what every check below reads; its checksum is recorded in
    # data/source/README.md, so a changed or truncated copy fails here on any checkout.
    recorded = re.search(r"sha256 ([0-9a-f]{64})", (SOURCE_COPY.parent / "README.md").read_text())
    assert recorded, "data/source/README.md records the copy's sha256"
    assert hashlib.sha256(SOURCE_COPY.read_bytes()).hexdigest() == recorded.group(1)
    if SHARED_SEED.exists():  # beside a working checkout, the seed itself is there to compare with
        assert SOURCE_COPY.read_bytes() == SHARED_SEED.read_bytes()


def test_the_pages_still_have_the_contact_block_the_checker_cuts_off(source: str) -> None:
    assert f"\n{CONTACT_HEADING}\n" in source


# --- faithful transcription --------------------------------------------------


def test_every_sentence_comes_from_the_clinics_pages(
    sections: tuple[Section, ...], source: str
) -> None:
    for section in sections:
        assert unsourced(markdown_of(section), source) == [], section.slug


def test_every_sentence_of_the_patient_information_is_in_the_app(
    sections: tuple[Section, ...], patient_information: str
) -> None:
    shown = {
        sentence
        for section in sections
        for kind, text in markdown_blocks(markdown_of(section))
        if kind == "text"
        for sentence in split_sentences(text)
    }
    # Lines ending in a full stop are the page's paragraphs; the rest are
    # headings and furniture.
    paragraphs = [line for line in patient_information.splitlines() if line.strip().endswith(".")]
    wanted = [s for line in paragraphs for s in split_sentences(line)]
    assert len(wanted) > 50
    assert [s for s in wanted if s not in shown] == []


def test_the_checker_catches_an_invented_sentence(sections: tuple[Section, ...], source: str) -> None:
    doctored = markdown_of(sections[1]) + "\n\nTreatment costs £200.\n"
    assert unsourced(doctored, source) == ["Treatment costs £200."]


def test_the_checker_catches_a_changed_word(source: str) -> None:
    changed = "Bruising can last anything from two weeks to six months, depending on the size of the blood vessels treated."
    assert unsourced(changed, source) == [changed]


def test_the_checker_catches_a_fragment_taken_out_of_its_sentence(source: str) -> None:
    assert unsourced("Nurofen or paracetamol can be taken.", source) == [
        "Nurofen or paracetamol can be taken."
    ]


def test_the_checker_catches_an_invented_heading(source: str) -> None:
    assert unsourced("## Prices\n\nA shower can be taken later in the day.", source) == ["Prices"]


def test_the_checker_sees_through_bullets_emphasis_and_wrapped_lines(source: str) -> None:
    markdown = (
        "## What happens following treatment\n\n"
        "- A shower can be taken\n  later in the day.\n"
        "* **Restless legs** can _also_ occur.\n"
    )
    assert unsourced(markdown, source) == []


def test_page_furniture_is_left_out(sections: tuple[Section, ...]) -> None:
    for section in sections:
        for furniture in PAGE_FURNITURE:
            assert furniture not in markdown_of(section), (section.slug, furniture)


def test_contact_details_are_left_to_the_clinics_data(sections: tuple[Section, ...]) -> None:
    for section in sections:
        text = markdown_of(section)
        assert "@" not in text
        assert not re.search(r"\b0800\b|\d{2}-\d{4}", text), section.slug
        assert CONTACT_HEADING not in text


def test_the_pages_british_spelling_is_kept(sections: tuple[Section, ...]) -> None:
    text = " ".join(markdown_of(s) for s in sections)
    for word in ("discolouration", "minimise", "whilst"):
        assert word in text


# --- coverage of topics ------------------------------------------------------


@pytest.mark.parametrize(
    "topic",
    ["thread veins", "microsclerotherapy", "bruising", "compression stockings", "sessions", "two-week gap"],
)
def test_sections_cover_the_topics_patients_ask_about(
    sections: tuple[Section, ...], topic: str
) -> None:
    assert any(topic in markdown_of(s).lower() for s in sections)


def test_sections_follow_the_pages_own_headings(sections: tuple[Section, ...]) -> None:
    assert [s.title for s in sections] == [
        "Thread veins",
        "Microsclerotherapy treatment",
        "After your treatment",
        "What to expect following treatment",
    ]


# --- no invented prices or hours ---------------------------------------------


def test_no_prices_or_opening_hours_are_invented(sections: tuple[Section, ...]) -> None:
    for section in sections:
        assert prices_or_hours(markdown_of(section)) == [], section.slug


@pytest.mark.parametrize(
    "invented",
    ["Treatment costs £200.", "Each session is €150.", "We are open from 9am.", "Opening hours: Monday to Friday."],
)
def test_the_price_and_hours_check_can_fail(invented: str) -> None:
    assert prices_or_hours(invented) != []


def test_numbers_the_pages_do_give_are_not_mistaken_for_prices_or_hours() -> None:
    assert prices_or_hours("Typically, 4-8 sessions will be required. Normal exercise can be resumed after 24 hours.") == []


# --- readable on a phone -----------------------------------------------------


def test_paragraphs_are_short_enough_to_read_on_a_phone(sections: tuple[Section, ...]) -> None:
    for section in sections:
        for _kind, text in markdown_blocks(section.body_markdown):
            assert len(text.split()) <= 60, (section.slug, text[:40])


def test_the_markdown_has_no_raw_html(sections: tuple[Section, ...]) -> None:
    for section in sections:
        assert not re.search(r"<[a-zA-Z/!]", section.body_markdown), section.slug


def test_sub_headings_sit_below_the_section_title(sections: tuple[Section, ...]) -> None:
    for section in sections:
        assert not re.search(r"(?m)^# ", section.body_markdown), section.slug


# --- the loader --------------------------------------------------------------


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_folder_gives_one_section_per_file_in_order(sections: tuple[Section, ...]) -> None:
    assert [s.slug for s in sections] == [
        "thread-veins",
        "microsclerotherapy",
        "after-your-treatment",
        "what-to-expect",
    ]
    assert len(sections) == len(list(TREATMENT_DIR.glob("*.md")))


def test_the_default_folder_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sections: tuple[Section, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_sections() == sections


def test_the_title_comes_from_the_heading_and_is_not_repeated_in_the_body(tmp_path: Path) -> None:
    write(tmp_path, "01-bruising.md", "# Bruising\n\nIt fades.\n\n## Later\n\nMore.\n")
    (section,) = load_sections(tmp_path)
    assert section == Section(slug="bruising", title="Bruising", body_markdown="It fades.\n\n## Later\n\nMore.")


def test_files_are_ordered_by_their_number_not_alphabetically(tmp_path: Path) -> None:
    write(tmp_path, "10-ten.md", "# Ten\n\nx\n")
    write(tmp_path, "2-two.md", "# Two\n\nx\n")
    write(tmp_path, "01-one.md", "# One\n\nx\n")
    assert [s.slug for s in load_sections(tmp_path)] == ["one", "two", "ten"]


def test_a_folder_given_as_text_works(tmp_path: Path) -> None:
    write(tmp_path, "01-one.md", "# One\n\nx\n")
    assert load_sections(str(tmp_path))[0].title == "One"


def test_other_files_hidden_files_and_sub_folders_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "01-one.md", "# One\n\nx\n")
    write(tmp_path, "notes.txt", "not a section")
    write(tmp_path, ".02-draft.md", "# Draft\n\nx\n")
    (tmp_path / "03-folder.md").mkdir()
    assert [s.slug for s in load_sections(tmp_path)] == ["one"]


def test_an_empty_folder_is_reported_clearly(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "not a section")
    with pytest.raises(TreatmentContentError, match="no .md files") as raised:
        load_sections(tmp_path)
    assert str(tmp_path) in str(raised.value)


def test_a_missing_folder_is_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(TreatmentContentError, match="does not exist"):
        load_sections(tmp_path / "nowhere")


def test_the_error_is_a_value_error_for_callers_that_only_know_built_ins(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_sections(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "Thread veins\n\nNo heading.\n",
        "## Only a sub-heading\n\nx\n",
        "#No space after the hash\n\nx\n",
        "#   \n\nx\n",
        "",
    ],
)
def test_a_file_that_does_not_start_with_a_title_heading_is_rejected(tmp_path: Path, text: str) -> None:
    write(tmp_path, "01-broken.md", text)
    with pytest.raises(TreatmentContentError, match="01-broken.md"):
        load_sections(tmp_path)


@pytest.mark.parametrize("name", ["thread-veins.md", "01_thread_veins.md", "01-Thread-Veins.md", "01-.md"])
def test_a_file_not_named_number_hyphen_slug_is_rejected(tmp_path: Path, name: str) -> None:
    write(tmp_path, name, "# Title\n\nx\n")
    with pytest.raises(TreatmentContentError, match=re.escape(name)):
        load_sections(tmp_path)


def test_a_section_with_a_title_but_no_text_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "01-empty.md", "# Empty\n\n   \n\n")
    with pytest.raises(TreatmentContentError, match="no text"):
        load_sections(tmp_path)


def test_two_files_with_the_same_slug_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "01-same.md", "# One\n\nx\n")
    write(tmp_path, "02-same.md", "# Two\n\nx\n")
    with pytest.raises(TreatmentContentError, match="same slug"):
        load_sections(tmp_path)


def test_a_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "01-latin1.md").write_bytes("# Title\n\ndiscolouration £\n".encode("latin-1"))
    with pytest.raises(TreatmentContentError, match="UTF-8"):
        load_sections(tmp_path)


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "01-windows.md").write_bytes(b"\xef\xbb\xbf# Title\r\n\r\nOne.\r\n\r\nTwo.\r\n")
    assert load_sections(tmp_path) == (Section("windows", "Title", "One.\n\nTwo."),)


def test_blank_lines_before_the_heading_and_closing_hashes_are_allowed(tmp_path: Path) -> None:
    write(tmp_path, "01-tidy.md", "\n\n# Title ##\n\nx\n")
    assert load_sections(tmp_path)[0].title == "Title"


def test_leading_spaces_of_the_first_body_line_are_kept_because_they_are_markdown(tmp_path: Path) -> None:
    write(tmp_path, "01-code.md", "# Title\n\n    indented\n")
    assert load_sections(tmp_path)[0].body_markdown == "    indented"


def test_sections_cannot_be_changed_after_loading(sections: tuple[Section, ...]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        sections[0].title = "Something else"  # type: ignore[misc]


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789,.'£–", min_size=1, max_size=12)


@given(
    title_words=st.lists(_words, min_size=1, max_size=6),
    paragraphs=st.lists(st.lists(_words, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=4),
)
def test_any_title_and_body_load_back_unchanged(
    tmp_path_factory: pytest.TempPathFactory, title_words: list[str], paragraphs: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("sections")
    title = " ".join(title_words)
    body = "\n\n".join(paragraphs)
    write(folder, "01-any.md", f"# {title}\n\n{body}\n")
    assert load_sections(folder) == (Section("any", title, body),)


# --- the page component (drawing is checked by the app's AppTest) ------------


def test_body_sub_headings_are_drawn_below_the_section_title() -> None:
    from components.treatment import demote_headings

    assert demote_headings("## What happens\n\nText.\n#### Deep\n", 2) == "#### What happens\n\nText.\n###### Deep\n"


def test_headings_never_go_below_the_smallest_markdown_has_and_hashtags_stay() -> None:
    from components.treatment import demote_headings

    assert demote_headings("###### Small\n#hashtag\nA # in text.", 2) == "###### Small\n#hashtag\nA # in text."


def test_the_component_does_not_import_the_locator_package() -> None:
    import ast

    tree = ast.parse((REPO_ROOT / "components" / "treatment.py").read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
    }
    assert not any(name == "locator" or name.startswith("locator.") for name in imported)


def test_the_loader_does_not_import_streamlit() -> None:
    import ast

    tree = ast.parse((REPO_ROOT / "locator" / "treatment.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(not a.name.startswith("streamlit") for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("streamlit")
