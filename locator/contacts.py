"""The contact stage: how to reach a clinic, written for the person who will dial it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers

from locator.clinics import Clinic
from locator.model import Region

_FORMAT = phonenumbers.PhoneNumberFormat


@dataclass(frozen=True, slots=True)
class Contact:
    """A clinic's phone and email for one caller.

    ``phone_dial`` is what the caller dials from where they are
    (``0800 783 6106`` in Great Britain, ``+353 1 293 7839`` from Northern
    Ireland, ``01 293 7839`` in Ireland); ``phone_e164`` is the same number
    for ``tel:`` links.
    """

    phone_dial: str
    phone_e164: str
    email: str

    @property
    def tel_uri(self) -> str:
        return "tel:" + self.phone_e164

    @property
    def mailto_uri(self) -> str:
        return "mailto:" + self.email


@functools.cache
def contact_for(clinic: Clinic, caller: Region) -> Contact:
    """The clinic's contact as a caller in ``caller`` would use it.

    phonenumbers decides what the caller dials: the national form at home,
    ``+``-international across a border (and, by its rules, for a UK
    freephone number called from the Channel Islands). Brackets round an
    area code are never dialled, so they are left out: ``01 293 7839``.
    """
    number = phonenumbers.parse(clinic.phone, clinic.region.dial_region)
    dial = phonenumbers.format_number_for_mobile_dialing(number, caller.dial_region, with_formatting=True)
    if not dial:
        dial = phonenumbers.format_number(number, _FORMAT.INTERNATIONAL)
    return Contact(
        phone_dial=dial.replace("(", "").replace(")", ""),
        phone_e164=phonenumbers.format_number(number, _FORMAT.E164),
        email=clinic.email,
    )


def home_contact(clinic: Clinic) -> Contact:
    """The contact as a caller in the clinic's own country dials it (for clinic lists)."""
    return contact_for(clinic, clinic.region)
