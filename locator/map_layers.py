"""The map's own settings and layers, as the page reads them.

``data/map.toml`` gives the colours (by clinic order, so a clinic added to
``data/clinics.toml`` takes the next colour) and an operator's tile service,
if any. Two files under ``static/map/build/`` (git-ignored; the app serves
them itself), built with the index by :mod:`locator.build.map_layers`:

``catchment-<width>.webp``
    Who goes where: a transparent picture (lossless WebP) in Web Mercator
    (EPSG:3857, what Leaflet draws), covering :data:`BOUNDS`, at 2048 pixels across
    and at half and a quarter of that (for the zoomed-out views a phone opens with:
    a fifth of the bytes, a sixteenth of the pixels to decode). Every land pixel is tinted with the colour of
    the clinic the routing rule picks for a patient standing there, and every live
    GB postcode (OS Code-Point Open, as the index holds them) is a solid dot in the
    colour of the clinic that postcode is sent to. Regions without postcodes in the
    index (Northern Ireland, Ireland, the Isle of Man, the Channel Islands) are
    tinted by the same rule, with their own region's eligible clinics: so Liverpool
    is an English clinic's colour and Belfast Dublin's.
``layers.json``
    What the map needs to show the pictures and explain them: its bounds, each clinic's
    colour (hex and in words) in ``data/clinics.toml`` order, and the main towns
    (GeoNames places, ``PostcodeIndex.places``) with the zoom from which each is labelled,
    chosen so that labels do not overlap.

``python -m locator.build`` (``bin/setup`` runs it) builds them after the
index, and again only when the index, the clinics, the land, the palette or
the recipe changed. :func:`load` only reads them.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locator import messages, reference
from locator.errors import PaletteTooShort
from locator.service import Locator

REPO_ROOT = reference.DATA_DIR.parent
MAP_TOML = reference.DATA_DIR / "map.toml"
DEFAULT_OUT_DIR = REPO_ROOT / "static" / "map" / "build"
#: The pictures' widths in pixels, smallest first: the map shows the smallest that is sharp at its zoom.
PICTURE_WIDTHS = (512, 1024, 2048)


def picture_name(width: int) -> str:
    return f"catchment-{width}.webp"


JSON_NAME = "layers.json"


@dataclass(frozen=True, slots=True)
class Colour:
    hex: str
    name: str


def palette(path: Path | None = None) -> tuple[Colour, ...]:
    """The ``[catchment] palette`` of ``data/map.toml``, in order."""
    with open(path or MAP_TOML, "rb") as f:
        return tuple(Colour(c["hex"], c["name"]) for c in tomllib.load(f)["catchment"]["palette"])


def clinic_colours(clinic_ids, colours: tuple[Colour, ...]) -> dict[str, Colour]:
    """Colour by clinic, by position: the n-th clinic gets the n-th colour."""
    clinic_ids = list(clinic_ids)
    if len(clinic_ids) > len(colours):
        raise PaletteTooShort(messages.MAP_UNAVAILABLE,
                              detail=f"{len(clinic_ids)} clinics but only {len(colours)} colours in "
                                     f"[catchment] palette of {MAP_TOML}; add colours there.")
    return dict(zip(clinic_ids, colours, strict=False))


@dataclass(frozen=True, slots=True)
class Tiles:
    """An operator's tile service, from ``[tiles]`` in ``data/map.toml``.

    ``url`` is a template with ``{z}``, ``{x}`` and ``{y}`` (and ``{s}`` for one of
    ``subdomains``); ``attribution`` is what its licence asks to be shown (HTML).
    """

    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18

    @property
    def host(self) -> str:
        """The tile server's host name, as the page's privacy note names it."""
        return urlsplit(self.url.replace("{s}", self.subdomains[:1] or "a")).hostname or self.url


def tiles(path: Path | None = None) -> Tiles | None:
    """The configured tile service, or None when ``url`` is empty (the default: no tiles).

    Raises ``ValueError`` saying what is wrong with a half or badly set ``[tiles]``.
    """
    path = path or MAP_TOML
    with open(path, "rb") as f:
        settings = tomllib.load(f).get("tiles", {})
    url, attribution = settings.get("url", "").strip(), settings.get("attribution", "").strip()
    if not url:
        if attribution:
            raise ValueError(f"{path} [tiles]: attribution is set but url is empty; set both or neither.")
        return None
    parts = urlsplit(url)
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if parts.scheme not in ("https", "http") or not parts.hostname or missing:
        raise ValueError(f"{path} [tiles]: url must be an http(s) address with {{z}}, {{x}} and {{y}}, "
                         f"e.g. https://tiles.example.org/{{z}}/{{x}}/{{y}}.png; got {url!r}.")
    if not attribution:
        raise ValueError(f"{path} [tiles]: attribution is empty; set the credit the tiles' licence asks for.")
    max_zoom = int(settings.get("max_zoom", 18))
    return Tiles(url, attribution, str(settings.get("subdomains", "abc")), max_zoom)


def load(out_dir: Path = DEFAULT_OUT_DIR, *, locator: Locator) -> dict[str, Any]:
    """The built ``layers.json`` for ``locator``'s index and clinics, with its picture beside it.

    Raises ``FileNotFoundError`` if it is missing, or was built for another index or other clinics.
    """
    path = Path(out_dir) / JSON_NAME
    try:
        layers = json.loads(path.read_text(encoding="utf-8"))
        if (layers.get("index") == locator.index.meta["fingerprint"]
                and [c["id"] for c in layers["clinics"]] == [c.id for c in locator.clinics]
                and all((Path(out_dir) / name).is_file() for _, name in layers["pictures"])):
            return layers
    except (OSError, ValueError, KeyError):
        pass
    raise FileNotFoundError(f"{path} is missing or out of date; build it with `python -m locator.build`.")
