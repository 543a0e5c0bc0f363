"""Each clinic as schema.org ``MedicalClinic`` JSON-LD, for search engines: from the clinics file, nothing else.

Name, postal address, telephone in E.164, email, position and the address of
the page that finds it. The address lines are the clinics' own: the line that
is a postcode becomes ``postalCode`` and the rest ``streetAddress``, so no
town or county is guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from locator import messages
from locator.clinics import Clinic
from locator.contacts import home_contact
from locator.errors import LocatorError
from locator.parse import Eircode, PostcodeUnit, parse


def clinic_data(clinic: Clinic, page_url: str) -> dict:
    """One clinic as a JSON-LD object; ``page_url`` is the absolute address of the page that finds it."""
    postcode = [line for line in clinic.address if _is_postcode(line)]
    street = [line for line in clinic.address if line not in postcode]
    address = {"@type": "PostalAddress", "streetAddress": ", ".join(street),
               "addressCountry": clinic.region.dial_region}
    if postcode:
        address["postalCode"] = postcode[0]
    return {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": f"{page_url}#clinic-{clinic.id}",
        "name": messages.clinic_title(clinic.name),
        "address": address,
        "telephone": home_contact(clinic).phone_e164,
        "email": clinic.email,
        "geo": {"@type": "GeoCoordinates", "latitude": round(clinic.lat, 5), "longitude": round(clinic.lon, 5)},
        "url": page_url,
    }


def json_ld_scripts(clinics: Iterable[Clinic], page_url: str) -> str:
    """One ``<script type="application/ld+json">`` per clinic, safe to put in a page's ``<head>``."""
    return "".join(f'<script type="application/ld+json">{_script_safe(clinic_data(c, page_url))}</script>'
                   for c in clinics)


def _script_safe(data: dict) -> str:
    # "</script>" or "<!--" in a value would end the script early: JSON allows "<" written as \u003c.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _is_postcode(line: str) -> bool:
    """The line is one whole postcode or Eircode (``HP7 0HP``), not a district or a town."""
    try:
        parsed = parse(line)
    except LocatorError:
        return False
    value = parsed.value
    return parsed.note is None and (isinstance(value, PostcodeUnit)
            or isinstance(value, Eircode) and value.identifier is not None)

