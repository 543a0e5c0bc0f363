"""The design decisions in docs/adr/: each number once, each with a Status line, and every link to one resolves."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADRS = sorted((ROOT / "docs" / "adr").glob("*.md"))
NAME = re.compile(r"(\d{4})-[a-z0-9-]+\.md")


def test_every_adr_file_is_numbered_and_named_in_words():
    assert ADRS
    assert all(NAME.fullmatch(adr.name) for adr in ADRS), [a.name for a in ADRS if not NAME.fullmatch(a.name)]


def test_each_adr_number_is_used_once():
    numbers = Counter(adr.name[:4] for adr in ADRS)
    assert not [n for n, count in numbers.items() if count > 1], numbers


def test_each_adr_has_its_number_in_its_title_and_a_status_line():
    for adr in ADRS:
        lines = adr.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith(f"# {int(adr.name[:4])}. "), adr.name
        assert any(re.match(r"Status: (proposed|accepted|superseded|deprecated)", line) for line in lines[:6]), adr.name


def test_every_link_to_an_adr_names_a_file_that_exists():
    linked = []
    for doc in [ROOT / "README.md", *ADRS]:
        for target in re.findall(r"\]\(((?:docs/adr/)?\d{4}-[a-z0-9-]+\.md)\)", doc.read_text(encoding="utf-8")):
            linked.append(target)
            assert (ROOT / "docs" / "adr" / Path(target).name).is_file(), f"{doc.name} links to {target}"
    assert linked
