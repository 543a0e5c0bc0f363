"""The clinic map as its tests build it: the real clinics, as the door hands them to the map, and one page of it."""

from __future__ import annotations

from pathlib import Path

from components.clinic_map.layers import Catchment, build_map, search_layer
from components.view import SearchPin, clinic_pins
from locator import Locator
from locator.map_layers import Tiles, palette
from locator.model import Region

STATIC = Path(__file__).resolve().parent.parent / "static"
# Everything that could break out of HTML or of the JS template literal folium
# wraps popup and tooltip HTML in, and set a flag if it ran.
NASTY_LABEL = (
    '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>'
    "${window.__xss=3}`;window.__xss=4;`\\u00 \\"
)
TILES = Tiles("https://tiles.example.net/{z}/{x}/{y}.png", "&copy; Example Tiles Ltd", "", 19)

CORE_CLINICS = Locator.load().clinics
CLINICS = clinic_pins(CORE_CLINICS)
BY_ID = {c.id: c for c in CLINICS}
# A clinic that takes patients from Great Britain, for searches made there.
ENGLISH = BY_ID[next(c.id for c in CORE_CLINICS if Region.GREAT_BRITAIN in c.serves)]
# As locator.map_layers builds it, for the real clinics (the picture itself is tested in test_map_layers.py).
CATCHMENT = Catchment.from_built({
    "fingerprint": "0123456789abcdef0123", "bounds": [[49.0, -11.0], [61.0, 2.2]],
    "pictures": [[512, "catchment-512.webp"], [2048, "catchment-2048.webp"]],
    "clinics": [{"id": c.id, "name": c.name, "colour": colour.hex, "colour_name": colour.name}
                for c, colour in zip(CLINICS, palette(), strict=False)],
})


def search_pin(label: str = "SW1A 1AA", clinic_id: str = ENGLISH.id, lat: float = 51.50101, lon: float = -0.14156):
    return SearchPin(lat=lat, lon=lon, label=label, clinic_id=clinic_id)


def map_page(clinics=CLINICS, searched=None, catchment=CATCHMENT, tiles=None, view: int = 1) -> str:
    """The map as one HTML page: the base map with the search's layer on it."""
    m = build_map(clinics, catchment, tiles)
    m.add_child(search_layer(clinics, searched, view))
    return m.get_root().render()
