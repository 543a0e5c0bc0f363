"""Parse what a person typed into a typed query, or say clearly what is wrong.

Accepted, in any case and spacing:

* UK postcodes: full units (``SL6 8DG``), sectors (``SL6 8``), districts
  (``SL6``) and postcode areas (``SL``), including Northern Ireland (``BT``) and the
  Crown Dependencies (``IM``, ``JE``, ``GY``);
* Irish Eircodes: full (``D18 X5K7``) or the routing key alone (``D18``);
* the one postcode or Eircode inside other text (a pasted address, a
  sentence), with punctuation around it or between its halves; the note
  says when other words were left out;
* a slip (O for 0, I or l for 1) when it has exactly one real reading;
* a county, island or nation named in ``data/areas.csv`` (an :class:`AreaName`);
* anything else made of letters is a place name, looked up later.

Refused with a clear reason: overseas territory and forces codes (named, with
the clinics' email), phone numbers, email addresses, formulae, placeholders.

Validation uses the real lists of districts and routing keys, so ``ZZ1 1AA``
and ``D99`` are refused with a reason. The text is capped at
:data:`MAX_QUERY_LENGTH` characters before any pattern runs.

This is the pipeline's first stage: text in, a :class:`ParsedQuery` out,
whose ``value`` is one of the query types below. Each query type has its
locating strategy in :mod:`locator.locating`; a new kind of query is a new
value class here plus a strategy registered there. Every sentence is from
:mod:`locator.messages`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from locator import areas, messages, reference
from locator.errors import (
    EmptyQuery,
    ForbiddenCharacters,
    InvalidPostcode,
    InvalidQuery,
    MultiplePostcodes,
    NonGeographic,
    NotAPlace,
    NotCovered,
    OverseasAddress,
    QueryTooLong,
    RetiredPostcode,
)
from locator.model import Precision, Region
from locator.parse import extract, nonplaces, outside, slips, special
from locator.reference import EIRCODE_CHARACTERS, EIRCODE_LETTERS, postcode_area_of
from locator.text import fold

MAX_QUERY_LENGTH = 100
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_UNIT = re.compile(rf"({_OUTWARD})([0-9][A-Z]{{2}})")
_SECTOR = re.compile(rf"({_OUTWARD}) ([0-9])")
_OUTWARD_ONLY = re.compile(_OUTWARD)
_PARTIAL_UNIT = re.compile(rf"({_OUTWARD}) ?[0-9][A-Z]")
_EIRCODE = re.compile(r"([A-Z][0-9]{2}|D6W)([0-9A-Z]{4})")
_POSTCODE_AREA = re.compile(r"[A-Z]{1,2}")
_INWARD = re.compile(r"[0-9][A-Z]{2}")
_EIRCODE_PREFIX = re.compile(r"EIRCODE:? *(.*)")
_FOREIGN = [
    re.compile(r"[0-9]{5}(-[0-9]{4})?"),        # US ZIP, French, German, Spanish, Italian codes
    re.compile(r"[0-9]{3,7}"),                   # most other numeric postcodes
    re.compile(r"[0-9]{4} ?[A-Z]{2}"),           # Netherlands
    re.compile(r"[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]"),  # Canada
    re.compile(r"[0-9]{2,5}[- ][0-9]{2,4}"),     # Poland, Portugal, Japan, Brazil, Sweden
    re.compile(r"[A-Z]{1,3}-? ?[0-9]{3,6}"),     # country-prefixed: F-75001, D-10115, CH-8001
]
_PLACE_CHARS = re.compile(r"[^\W_]+(?:[ '\u2019.,()&/-]+[^\W_]+)*[.)]?")


class _UKPostcodeLevel:
    """What every level of a UK postcode has: its postcode area, written form, region and precision."""

    __slots__ = ()
    precision: ClassVar[Precision]

    @property
    def postcode_area(self) -> str:
        """The postcode area (``SL``)."""
        raise NotImplementedError

    @property
    def normalised(self) -> str:
        """``SL6 8DG``, ``SL6 8``, ``SL6`` or ``SL``."""
        raise NotImplementedError

    @property
    def compact(self) -> str:
        return self.normalised.replace(" ", "")

    @property
    def region(self) -> Region:
        return Region.of_postcode_area(self.postcode_area)


@dataclass(frozen=True, slots=True)
class PostcodeArea(_UKPostcodeLevel):
    """A postcode area alone: ``SL``, ``BT``."""

    code: str
    precision: ClassVar[Precision] = Precision.AREA

    def __post_init__(self) -> None:
        if not _POSTCODE_AREA.fullmatch(self.code):
            raise ValueError(f"{self.code!r} is not a postcode area (one or two letters)")

    @property
    def postcode_area(self) -> str:
        return self.code

    @property
    def normalised(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class PostcodeDistrict(_UKPostcodeLevel):
    """A postcode district, the first half of a postcode: ``SL6``, ``W1A``."""

    district: str
    precision: ClassVar[Precision] = Precision.DISTRICT

    def __post_init__(self) -> None:
        if not _OUTWARD_ONLY.fullmatch(self.district):
            raise ValueError(f"{self.district!r} is not a postcode district")

    @property
    def postcode_area(self) -> str:
        return postcode_area_of(self.district)

    @property
    def normalised(self) -> str:
        return self.district


@dataclass(frozen=True, slots=True)
class PostcodeSector(_UKPostcodeLevel):
    """A postcode sector, a district and the next digit: ``SL6 8``."""

    district: str
    digit: str
    precision: ClassVar[Precision] = Precision.SECTOR

    def __post_init__(self) -> None:
        if not (_OUTWARD_ONLY.fullmatch(self.district) and len(self.digit) == 1 and self.digit.isdigit()):
            raise ValueError(f"{self.district!r} and {self.digit!r} are not a postcode sector")

    @property
    def postcode_area(self) -> str:
        return postcode_area_of(self.district)

    @property
    def normalised(self) -> str:
        return f"{self.district} {self.digit}"


@dataclass(frozen=True, slots=True)
class PostcodeUnit(_UKPostcodeLevel):
    """A full (unit) postcode: its district and its second half, ``SL6`` and ``8DG``."""

    district: str
    inward: str
    precision: ClassVar[Precision] = Precision.POSTCODE

    def __post_init__(self) -> None:
        if not (_OUTWARD_ONLY.fullmatch(self.district) and _INWARD.fullmatch(self.inward)):
            raise ValueError(f"{self.district!r} and {self.inward!r} are not a postcode's two halves")

    @property
    def postcode_area(self) -> str:
        return postcode_area_of(self.district)

    @property
    def sector(self) -> str:
        return f"{self.district} {self.inward[0]}"

    @property
    def normalised(self) -> str:
        return f"{self.district} {self.inward}"


#: A UK postcode at one of its four levels; each level is its own type, checked when made.
UKPostcode = PostcodeArea | PostcodeDistrict | PostcodeSector | PostcodeUnit


@dataclass(frozen=True, slots=True)
class Eircode:
    """An Irish Eircode: a routing key (``D18``) and, if full, its identifier (``X5K7``)."""

    routing_key: str
    identifier: str | None = None

    @property
    def normalised(self) -> str:
        return f"{self.routing_key} {self.identifier}" if self.identifier else self.routing_key

    region = Region.IRELAND


@dataclass(frozen=True, slots=True)
class PlaceName:
    """Text to look up as a town or city; ``folded`` is the form names are matched in."""

    text: str
    folded: str


@dataclass(frozen=True, slots=True)
class AreaName:
    """A county, island or nation named in ``data/areas.csv`` (``Shropshire``, ``Holy Island``, ``Wales``)."""

    text: str
    folded: str


Code = UKPostcode | Eircode
Query = UKPostcode | Eircode | PlaceName | AreaName
_Value = TypeVar("_Value", bound=Query, covariant=True)


@dataclass(frozen=True, slots=True)
class ParsedQuery(Generic[_Value]):
    """The parsed value plus what a person should know about how it was read.

    ``note`` and ``alternatives`` are set when a short code means two things
    (``W12``: a London district and an Eircode routing key).
    """

    value: _Value
    note: str | None = None
    alternatives: tuple[str, ...] = ()


class QueryParser:
    """Parses queries against the known districts, postcode areas, routing keys and areas' names."""

    def __init__(self, districts: Collection[str], postcode_areas: Collection[str],
                 post_town_by_routing_key: Mapping[str, str], *, area_names: Collection[str] = (),
                 units: Callable[[str], bool] | None = None, emails: Sequence[str] = ()) -> None:
        """``post_town_by_routing_key`` maps each Eircode routing key to its post town (``D18`` → ``Dublin 18``).

        ``area_names`` are the folded names of counties, islands and nations;
        ``units`` says whether a compact unit postcode (``SL68DG``) is in the
        live list (without it a slip is only suggested, never corrected);
        ``emails`` are the clinics' addresses, given to people outside coverage.
        """
        self._districts = frozenset(districts)
        # London's central districts (W1, SW1, EC1, WC2...) are divided into sub-districts (W1A, W1B...)
        # and have no postcodes of their own; people still type them.
        divided: dict[str, list[str]] = {}
        for d in sorted(self._districts):
            if d[-1].isalpha() and d[-2].isdigit() and d[:-1] not in self._districts:
                divided.setdefault(d[:-1], []).append(d)
        self._divided = {parent: tuple(subs) for parent, subs in divided.items()}
        self._postcode_areas = frozenset(postcode_areas)
        self._routing_keys = dict(post_town_by_routing_key)  # routing key -> its post town
        self._area_names = frozenset(area_names)
        self._units = units
        self._emails = tuple(dict.fromkeys(emails))

    def parse(self, text: str) -> ParsedQuery[Query]:
        """Turn ``text`` into a :class:`ParsedQuery` or raise an :class:`InvalidQuery` subclass."""
        cleaned = clean(text)
        upper = cleaned.upper()
        self._refuse_non_places(cleaned, upper)
        forced = _EIRCODE_PREFIX.fullmatch(upper)
        if forced:
            return ParsedQuery(self._eircode_only(forced.group(1).replace(" ", ""), cleaned))
        self._refuse_outside(outside.match_code(upper, first=True))
        compact = upper.replace(" ", "").replace("-", "")
        if compact.isascii() and compact.isalnum():
            named = special.named(compact)
            if named:
                return self._special(named)
            # The whole text as one code: a match is the only code in it.
            try:
                parsed = self._parse_code_or_slip(compact, upper, cleaned)
            except InvalidPostcode:
                # "B38 9LX a" run together is no code, but it holds a live postcode whole.
                if self._live_code_among_words(upper) is None:
                    raise
                parsed = None
            if parsed:
                return self._as_typed(parsed, upper)
        found = extract.find_codes(upper)
        self._refuse_several(upper, [f.spaced for f in found])
        if found:
            # "Flat 2, 5 Friar Street, Reading RG1 1DB", "RG1.1DB": the postcode is what locates it.
            code = found[0]
            parsed = self._parse_code_or_slip(code.compact, code.spaced, cleaned[code.start:code.end])
            if parsed:
                if extract.has_words(extract.rest_of(upper, code)):
                    kind = "Eircode" if isinstance(parsed.value, Eircode) else "postcode"
                    said = messages.code_in_text(parsed.value.normalised, kind)
                    parsed = dataclasses.replace(parsed, note=messages.joined(said, parsed.note))
                return parsed
        self._refuse_outside(outside.match_code(upper))
        return self._parse_other(cleaned, upper, compact)

    def _as_typed(self, joined: ParsedQuery[Code], upper: str) -> ParsedQuery[Code]:
        """A live postcode standing whole among other words, rather than the text run together.

        "A B38 9LX" run together is AB38 9LX, also live; but the text holds B38 9LX whole, with "A"
        a word apart, so that is what was typed. The run-together reading is offered as an alternative.
        """
        code = self._live_code_among_words(upper)
        if code is None or code.compact == joined.value.normalised.replace(" ", ""):
            return joined
        typed = self._parse_code(code.compact, code.spaced)
        if typed is None:
            return joined
        said = messages.code_in_text(typed.value.normalised, "postcode")
        return dataclasses.replace(typed, note=messages.joined(said, typed.note),
                                   alternatives=(*typed.alternatives, joined.value.normalised))

    def _live_code_among_words(self, upper: str) -> extract.Found | None:
        """The one UK postcode in ``upper`` that is live and stands whole beside other words, if any."""
        found = [f for f in extract.find_codes(upper) if not f.eircode]
        if len(found) != 1 or self._units is None:
            return None
        code = found[0]
        if self._units(code.compact) and extract.has_words(extract.rest_of(upper, code)):
            return code
        return None

    # -- what is not a place we cover ---------------------------------------------------

    def _refuse_non_places(self, cleaned: str, upper: str) -> None:
        what = nonplaces.what_it_is(cleaned)
        if what and not (what == "a phone number" and _looks_foreign(upper)):
            raise NotAPlace(messages.not_a_place(what))
        if nonplaces.is_placeholder(cleaned):
            raise NotAPlace(messages.placeholder(cleaned))

    def _refuse_outside(self, place: outside.OutsidePlace | None) -> None:
        if place:
            raise OverseasAddress(messages.outside_coverage(place.name, self._emails))

    def _special(self, named: special.SpecialPostcode) -> ParsedQuery:
        """A named special postcode: answered from where it really is, or refused as post only."""
        if not named.at:
            raise NonGeographic(messages.post_only_postcode(named.code, named.what))
        at = self._parse_code(named.at.replace(" ", ""), named.at)
        assert at is not None, f"{special.SPECIAL_TOML}: {named.at} is not a postcode"
        return dataclasses.replace(at, note=messages.special_postcode_located(named.code, named.what, named.at))

    # -- slips --------------------------------------------------------------------------

    def _parse_code_or_slip(self, compact: str, spaced: str, typed: str) -> ParsedQuery[Code] | None:
        """Parse a code as typed; only if that fails, as the one real reading of a slip in it.

        ``spaced`` is the code in capitals as the patterns read it, ``typed``
        as the person wrote it (for the note).
        """
        try:
            parsed = self._parse_code(compact, spaced)
        except InvalidPostcode as exc:
            self._refuse_outside(outside.match_code(compact))
            return self._slip(compact, typed, exc)
        return parsed or self._slip(compact, typed, None)

    def _slip(self, compact: str, typed: str, error: InvalidPostcode | None) -> ParsedQuery[Code] | None:
        reading, suggestions = slips.choose(slips.readings(compact), self._verdict)
        if reading:
            parsed = self._parse_code(reading.compact, reading.spaced)
            if parsed:
                said = messages.slip_read(typed, parsed.value.normalised, reading.changes)
                return dataclasses.replace(parsed, note=messages.joined(said, parsed.note))
        if suggestions:
            shown = [s.spaced for s in suggestions]
            message = error.message if error else messages.not_a_valid_postcode(typed)
            raise InvalidPostcode(messages.with_slip_suggestions(message, shown), shown)
        if error:
            raise error
        return None

    def _verdict(self, reading: slips.Reading) -> slips.Verdict | None:
        if reading.outward not in self._districts:
            return None
        if not reading.has_inward:
            return slips.Verdict.CERTAIN
        if any(c not in _INWARD_LETTERS for c in reading.compact[-2:]):
            return None
        if self._units is None:
            return slips.Verdict.POSSIBLE
        return slips.Verdict.CERTAIN if self._units(reading.compact) else slips.Verdict.POSSIBLE

    # -- codes --------------------------------------------------------------------------

    def _refuse_several(self, upper: str, full_codes: list[str]) -> None:
        rest = extract.remove_codes(upper)
        outwards = [t for t in re.split(r"[\s,;/|&+]+", rest)
                    if _OUTWARD_ONLY.fullmatch(t) and (t in self._districts or t in self._routing_keys)]
        found = full_codes + outwards
        if len(found) >= 2 and not _SECTOR.fullmatch(upper):
            raise MultiplePostcodes(messages.several_postcodes(found))

    def _parse_code(self, compact: str, spaced: str) -> ParsedQuery[Code] | None:
        # Eircode first: a full one (A65 F4EK) can also fit the UK pattern, never the reverse,
        # since no UK postcode is seven characters starting letter, digit, digit.
        eircode = _EIRCODE.fullmatch(compact)
        if eircode:
            return ParsedQuery(self._eircode(eircode.group(1), eircode.group(2), spaced))
        unit = _UNIT.fullmatch(compact)
        if unit:
            try:
                return ParsedQuery(self._uk_unit(unit.group(1), unit.group(2)))
            except _ReadAs as read:
                parsed = self._parse_code(read.compact, read.spaced)
                assert parsed is not None
                return dataclasses.replace(parsed, note=messages.joined(read.note, parsed.note))
        sector = _SECTOR.fullmatch(spaced)
        if sector:
            return ParsedQuery(self._uk_sector(sector.group(1), sector.group(2)))
        if _OUTWARD_ONLY.fullmatch(compact) or compact == "D6W":
            return self._outward(compact)
        if _POSTCODE_AREA.fullmatch(compact) and compact in self._postcode_areas:
            return ParsedQuery(PostcodeArea(compact))
        if _POSTCODE_AREA.fullmatch(compact):
            self._refuse_post_only_area(compact, spaced)
        if spaced.split() == [compact[:-3], compact[-3:]]:
            # Spaced as outward and inward, it is read so: "FK2 01W" is not the partial "FK20 1W".
            self._refuse_impossible_inward(compact, spaced)
        partial = _PARTIAL_UNIT.fullmatch(spaced) or _PARTIAL_UNIT.fullmatch(compact)
        if partial and partial.group(1) in self._districts:
            raise InvalidPostcode(messages.incomplete_postcode(spaced, partial.group(1)))
        self._refuse_impossible_inward(compact, spaced)
        return None

    def _refuse_impossible_inward(self, compact: str, spaced: str) -> None:
        """A real district and three characters that are no postcode's second half (``SW1A 20A``).

        Said as a postcode error, naming what stands where, with the sector (or
        the district) to search for; the parser's slip readings are tried first
        by :meth:`_parse_code_or_slip`, so ``SW1A OAA`` is still read as ``SW1A 0AA``.
        """
        outward, inward = compact[:-3], compact[-3:]
        if not (5 <= len(compact) <= 7 and _OUTWARD_ONLY.fullmatch(outward) and outward in self._districts):
            return
        if _OUTWARD_ONLY.fullmatch(inward):
            return  # two outward codes (SL6 HP7): several postcodes, said later
        misplaced = [(c, want) for c, want in zip(inward, ("a digit", "a letter", "a letter"), strict=False)
                     if c.isdigit() != (want == "a digit")]
        digit = inward[0] if inward[0].isdigit() else slips.as_digit(inward[0])
        instead = f"{outward} {digit}" if digit else outward
        raise InvalidPostcode(messages.impossible_inward_code(spaced, outward, misplaced, instead), [instead])

    def _refuse_post_only_area(self, area: str, shown: str) -> None:
        what = special.non_geographic_area(area)
        if what:
            raise NonGeographic(messages.post_only_area(shown, area, what))

    def _uk_unit(self, outward: str, inward: str) -> PostcodeUnit:
        if outward in self._divided:
            return self._unit_in_divided(outward, inward)
        district = self._known_district(outward, f"{outward} {inward}")
        bad = sorted({c for c in inward[1:] if c not in _INWARD_LETTERS})
        if bad:
            raise InvalidPostcode(messages.impossible_unit_letters(f"{outward} {inward}", bad))
        return PostcodeUnit(district, inward)

    def _unit_in_divided(self, outward: str, inward: str) -> PostcodeUnit:
        """``SW1 1AA``: the one sub-district (``SW1A``) with that live postcode, else an error offering them."""
        subs = self._divided[outward]
        live = [sub for sub in subs if self._units and self._units(sub + inward)]
        shown = f"{outward} {inward}"
        if len(live) == 1:
            raise _ReadAs(f"{live[0]} {inward}", messages.divided_district_read(shown, f"{live[0]} {inward}", subs))
        offered = [f"{sub} {inward}" for sub in live] or list(subs)
        raise InvalidPostcode(messages.divided_district_unit(shown, outward, subs), offered)

    def _uk_sector(self, outward: str, digit: str) -> PostcodeSector:
        if outward in self._divided:
            subs = self._divided[outward]
            raise InvalidPostcode(messages.divided_district_unit(f"{outward} {digit}", outward, subs), subs)
        district = self._known_district(outward, f"{outward} {digit}")
        return PostcodeSector(district, digit)

    def _outward(self, compact: str) -> ParsedQuery[Code]:
        is_district = compact in self._districts
        is_key = compact in self._routing_keys
        if is_district and is_key:
            town = self._routing_keys[compact]
            return ParsedQuery(
                PostcodeDistrict(compact),
                note=messages.district_or_routing_key(compact, town),
                alternatives=(f"Eircode {compact}",),
            )
        if is_district:
            return ParsedQuery(PostcodeDistrict(compact))
        if is_key:
            return ParsedQuery(Eircode(compact))
        subs = self._divided.get(compact)
        if subs:
            return ParsedQuery(PostcodeDistrict(compact),
                               note=messages.divided_district(compact, subs))
        self._refuse_retired(compact, compact)
        if compact[:-1] in self._districts and compact[-1].isdigit():
            # "SL68" typed without its space is the sector SL6 8.
            return ParsedQuery(PostcodeSector(compact[:-1], compact[-1]))
        self._known_district(compact, compact)
        raise AssertionError("unreachable: _known_district raises for unknown districts")

    def _known_district(self, outward: str, shown: str) -> str:
        if outward in self._districts:
            return outward
        self._refuse_retired(outward, shown)
        area = postcode_area_of(outward)
        self._refuse_post_only_area(area, shown)
        if area in self._postcode_areas:
            raise InvalidPostcode(messages.no_such_district(shown, outward, area))
        if outward[0] in EIRCODE_LETTERS and len(outward) == 3 and outward[1:].isdigit():
            raise InvalidPostcode(messages.neither_routing_key_nor_area(shown, outward, area))
        raise InvalidPostcode(messages.no_such_area(shown, area))

    def _refuse_retired(self, outward: str, shown: str) -> None:
        old = special.retired(outward)
        if old and outward not in self._districts:
            raise RetiredPostcode(messages.retired_district(shown, outward, old.retired, old.post_towns, old.current),
                                  old.post_towns)

    def _eircode(self, key: str, identifier: str, shown: str) -> Eircode:
        if key not in self._routing_keys:
            raise InvalidPostcode(messages.no_such_routing_key(shown, key))
        bad = sorted({c for c in identifier if c not in EIRCODE_CHARACTERS})
        if bad:
            raise InvalidPostcode(messages.impossible_eircode_characters(shown, EIRCODE_LETTERS, bad))
        return Eircode(key, identifier)

    def _eircode_only(self, compact: str, shown: str) -> Eircode:
        if compact in self._routing_keys:
            return Eircode(compact)
        match = _EIRCODE.fullmatch(compact)
        if match:
            return self._eircode(match.group(1), match.group(2), shown)
        raise InvalidPostcode(messages.not_an_eircode(shown))

    # -- everything else ----------------------------------------------------------------

    def _parse_other(self, cleaned: str, upper: str, compact: str) -> ParsedQuery:
        if _looks_foreign(upper):
            raise NotCovered(messages.foreign_postcode(cleaned))
        has_word = any(sum(c.isalpha() for c in word) >= 3 for word in cleaned.split())
        if not _PLACE_CHARS.fullmatch(cleaned) or not has_word:
            if compact.isalnum() and any(c.isdigit() for c in compact):
                raise InvalidPostcode(messages.not_a_postcode_or_eircode(cleaned))
            raise InvalidQuery(messages.not_a_postcode_or_place(cleaned))
        folded = fold(cleaned)
        self._refuse_outside(outside.match_name(folded))
        if folded in self._area_names:
            return ParsedQuery(AreaName(cleaned, folded))
        return ParsedQuery(PlaceName(cleaned, folded))


class _ReadAs(Exception):
    """Inside the parser only: read the code as ``spaced`` instead, saying ``note``."""

    def __init__(self, spaced: str, note: str) -> None:
        super().__init__(spaced)
        self.spaced = spaced
        self.compact = spaced.replace(" ", "")
        self.note = note


def _looks_foreign(upper: str) -> bool:
    compact = upper.replace(" ", "").replace("-", "")
    return any(p.fullmatch(upper) or p.fullmatch(compact) for p in _FOREIGN)


def clean(text: str) -> str:
    """Check ``text`` is a single, plain, non-empty query and fold its spacing.

    Raises :class:`QueryTooLong` over :data:`MAX_QUERY_LENGTH` characters,
    :class:`ForbiddenCharacters` for control or text-direction characters and
    :class:`EmptyQuery` for nothing but spaces. Full-width and other
    compatibility characters are folded to their plain forms (NFKC).
    """
    if not isinstance(text, str):
        raise InvalidQuery(messages.not_text(type(text).__name__))
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(messages.too_long(len(text), MAX_QUERY_LENGTH))
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ForbiddenCharacters(messages.broken_character(ord(char)))
        if char != "\t" and category in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            raise ForbiddenCharacters(messages.hidden_character(ord(char)))
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise EmptyQuery(messages.empty())
    return cleaned


def unit_key(text: str) -> str | None:
    """The compact form of ``text`` if it could be a full unit postcode and nothing else, else ``None``.

    Plain ASCII, 5 to 7 letters and digits once spaces are gone: ``sl6 8dg``
    gives ``SL68DG``. Lists use it to look whole columns of postcodes up at
    once; for a unit postcode in the data, :meth:`QueryParser.parse` reads the
    same text as that same postcode (tests/test_properties.py checks it).
    """
    if len(text) > MAX_QUERY_LENGTH or not text.isascii() or not text.isprintable():
        return None
    pieces = text.split()
    # Only a code typed whole or in its two halves: "A B38 9LX" run together is AB38 9LX, but the
    # parser reads the B38 9LX typed whole in it, so such text goes the long way round.
    if len(pieces) > 2 or (len(pieces) == 2 and len(pieces[1]) != 3):
        return None
    compact = "".join(pieces).upper()
    return compact if 5 <= len(compact) <= 7 and compact.isalnum() else None


def parser_for(unit_districts: Collection[str], *, units: Callable[[str], bool] | None = None,
               emails: Sequence[str] = ()) -> QueryParser:
    """A parser over the reference tables in ``data/`` and the districts the unit postcode data has.

    ``units`` and ``emails``: see :class:`QueryParser`.
    """
    return QueryParser(set(reference.districts()) | set(unit_districts), reference.postcode_areas(),
                       reference.post_town_by_routing_key(), area_names=areas.folded_names(),
                       units=units, emails=emails)


@functools.cache
def default_parser() -> QueryParser:
    """A parser over the reference tables in ``data/`` alone (no built index needed)."""
    from locator import clinics

    return parser_for((), emails=clinics.emails(clinics.clinics_path()))


def parse(text: str) -> ParsedQuery:
    """Parse ``text`` with :func:`default_parser`; see :meth:`QueryParser.parse`."""
    return default_parser().parse(text)
