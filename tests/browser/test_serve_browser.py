"""Through bin/serve's balancer in a real browser: the desk's upload and download, staff and patients when a replica goes.

One real service for the module: ``bin/serve --replicas 2`` on loopback. The
replica a browser is pinned to is read from its ``clinic_locator_replica``
cookie, and killed (SIGKILL) by the test.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.call_centre import FIELD_LABEL
from components.staff_sign_in import PASSPHRASE_LABEL
from locator import messages
from tests.serve_harness import start_service
from web.staff_oidc import DESK_PATH

from . import wait_for_app
from .balancer import kill_replica_of, only_reconnection_errors, pinned_to
from .desk import DUBLIN_FROM_NI, as_read, download_results, expected_row, open_desk

pytestmark = pytest.mark.serve


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = start_service(2, "--drain-seconds", "3", tmp=tmp_path_factory.mktemp("serve-browser"))
    yield service
    service.stop()


def test_a_desk_upload_and_its_download_reach_the_replica_that_holds_the_session(page, service, locator, tmp_path):
    upload = tmp_path / "patients.csv"
    queries = ["SL6 8DG", "D18 X5K7", "BT1 1AA", "not a place at all"]
    upload.write_text("Postcode\n" + "\n".join(queries) + "\n")
    open_desk(page, service.url + DESK_PATH)
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
    wait_for_app(page)
    expect(page.get_by_text(f"{len(queries)} rows")).to_be_visible()
    rows = download_results(page, tmp_path)
    assert [as_read(r) for r in rows] == [expected_row(locator, q) for q in queries]
    uploads = [u for u in page.log.requests if "/_stcore/upload_file/" in u]
    assert uploads, "the file went up through the balancer"


@pytest.mark.allow_page_errors
def test_staff_stay_signed_in_when_their_replica_is_replaced(page, service):
    open_desk(page, service.url + DESK_PATH)
    slot, pid = kill_replica_of(page, service)
    page.reload()
    wait_for_app(page)
    # Another process answered, and did not ask for the passphrase again.
    assert pinned_to(page) != slot
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible()
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_have_count(0)
    service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and len(service.in_service()) == 2, 180,
                     f"replica {slot} restarted")
    only_reconnection_errors(page)


@pytest.mark.allow_page_errors
def test_a_patients_page_whose_replica_dies_reconnects_and_shows_its_answer_again(page, service, locator):
    page.goto(service.url + "/")
    wait_for_app(page)
    field = page.get_by_role("textbox", name=messages.SEARCH_LABEL)
    field.fill("L1 8JQ")
    field.press("Enter")
    wait_for_app(page)
    heading = f"Nearest clinic: {locator.lookup('L1 8JQ').clinic.name}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert "postcode=L1+8JQ" in page.url or "postcode=L1%208JQ" in page.url
    streams_before = page.log.streams_opened
    slot, pid = kill_replica_of(page, service)
    # Nobody touches the page: it reconnects by itself (a new websocket) to the other replica,
    # which runs the page at its address and draws the answer again.
    service.wait_for(lambda: page.log.streams_opened > streams_before or page.wait_for_timeout(50), 60,
                     "the page reconnected to a new session")
    wait_for_app(page, timeout=60)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert pinned_to(page) != slot
    service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and len(service.in_service()) == 2, 180,
                     f"replica {slot} restarted")
    only_reconnection_errors(page)


@pytest.mark.allow_page_errors
def test_a_staff_members_answer_comes_back_when_their_replica_dies(page, service):
    open_desk(page, service.url + DESK_PATH)
    field = page.get_by_role("textbox", name=FIELD_LABEL)
    field.fill("BT1 1AA")
    field.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(DUBLIN_FROM_NI)).to_be_visible()
    streams_before = page.log.streams_opened
    slot, pid = kill_replica_of(page, service)
    service.wait_for(lambda: page.log.streams_opened > streams_before or page.wait_for_timeout(50), 60,
                     "the desk reconnected to a new session")
    wait_for_app(page, timeout=60)
    # Still signed in, on another replica, with the caller's answer read out again.
    assert pinned_to(page) != slot
    expect(page.get_by_text(DUBLIN_FROM_NI)).to_be_visible()
    service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and len(service.in_service()) == 2, 180,
                     f"replica {slot} restarted")
    only_reconnection_errors(page)

