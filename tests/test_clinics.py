"""The clinics file: every clinic is complete and checked when it is loaded, never at draw time."""

from __future__ import annotations

import math

import pytest

from locator import errors, messages
from locator.clinics import clinics_path, load_clinics, read_sites
from locator.model import Region

GOOD = """
[[clinic]]
id = "x"
name = "Example"
address = ["1 Example Street", "Reading", "RG1 1AA"]
locate_by = "RG1 1AA"
phone = "0800 7836106"
email = "enquiries@example.com"
region = "GB"
serves = ["GB"]
"""
HERE = {"x": (51.45, -0.97)}


def clinics_file(tmp_path, text: str):
    path = tmp_path / "clinics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_clinic_in_the_file_loads_complete_with_a_real_position(locator):
    assert [c.id for c in locator.clinics] == [s.id for s in read_sites(clinics_path())]
    for clinic in locator.clinics:
        assert math.isfinite(clinic.lat) and math.isfinite(clinic.lon)
        assert clinic.serves and clinic.region in Region
        assert clinic.address and clinic.address_line == ", ".join(clinic.address)


def test_a_well_formed_clinic_loads(tmp_path):
    [clinic] = load_clinics(clinics_file(tmp_path, GOOD), HERE)
    assert (clinic.region, clinic.serves, clinic.lat, clinic.lon) == (Region.GREAT_BRITAIN, {Region.GREAT_BRITAIN},
                                                                       51.45, -0.97)


def test_fields_the_app_does_not_use_are_ignored(tmp_path):
    [clinic] = load_clinics(clinics_file(tmp_path, GOOD + 'postcode = "RG1 1AA"\ncountry = "England"\n'), HERE)
    assert clinic.id == "x"


@pytest.mark.parametrize("change, reason", [
    (('phone = "0800 7836106"', 'phone = "12345"'), "not a valid number"),
    (('phone = "0800 7836106"', 'phone = "call us"'), "not a phone number"),
    (('email = "enquiries@example.com"', 'email = "enquiries at example"'), "not an email address"),
    (('email = "enquiries@example.com"', 'email = "a@b.com?cc=c@d.com"'), "not an email address"),
    (('serves = ["GB"]', 'serves = ["UK"]'), "regions are"),
    (('region = "GB"', 'region = "England"'), "regions are"),
    (('locate_by = "RG1 1AA"\n', ''), "has no locate_by"),
])
def test_a_clinic_that_does_not_check_out_is_refused_at_load_naming_it_and_the_field(tmp_path, change, reason):
    with pytest.raises(errors.ClinicDataError) as raised:
        load_clinics(clinics_file(tmp_path, GOOD.replace(*change)), HERE)
    assert raised.value.message == messages.SERVICE_UNAVAILABLE  # what a patient would see
    assert reason in raised.value.detail  # what the operator reads in the log


def test_a_clinic_with_no_position_is_refused(tmp_path):
    with pytest.raises(errors.ClinicDataError, match="no position"):
        load_clinics(clinics_file(tmp_path, GOOD), {})


def test_two_clinics_with_one_id_are_refused(tmp_path):
    with pytest.raises(errors.ClinicDataError, match="unique"):
        load_clinics(clinics_file(tmp_path, GOOD + GOOD), HERE)


def test_a_missing_or_broken_file_is_refused(tmp_path):
    with pytest.raises(errors.ClinicDataError, match="could not be read"):
        load_clinics(tmp_path / "nope.toml", HERE)
    with pytest.raises(errors.ClinicDataError, match="could not be read"):
        load_clinics(clinics_file(tmp_path, "[[clinic]\nid ="), HERE)
