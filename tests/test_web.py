"""The server's pieces on their own: which origins count, how many requests compute at once, what a log keeps."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from tests.event_loop import run_in_own_loop
from web.api import Admission, ApiError
from web.headers import ORIGINS_ENV, allowed_origins, frame_ancestors, trust_host_messages_from
from web.privacy import DropQueryStrings, TracebackWithoutMessages, redacted_traceback

# ------------------------------------------------------------------ CLINIC_LOCATOR_ALLOWED_ORIGINS


def test_no_origins_by_default_so_only_the_app_may_frame_itself():
    assert allowed_origins({}) == ()
    assert allowed_origins({ORIGINS_ENV: " , "}) == ()
    assert frame_ancestors(()) == "frame-ancestors 'self'"


def test_only_the_allowed_origins_may_send_the_page_commands_even_after_streamlit_rereads_its_config():
    from streamlit import config

    before = config.get_option("client.allowedOrigins")
    assert any("streamlit" in origin for origin in before)  # Streamlit's own default: its hosting sites
    stop = trust_host_messages_from(("https://www.clinics.example",))
    try:
        assert config.get_option("client.allowedOrigins") == ["https://www.clinics.example"]
        config.get_config_options(force_reparse=True)  # as when a config.toml changes
        assert config.get_option("client.allowedOrigins") == ["https://www.clinics.example"]
    finally:
        stop()
        config.get_config_options(force_reparse=True)
    assert config.get_option("client.allowedOrigins") == before


def test_origins_are_read_in_order_tidied_and_not_repeated():
    env = {ORIGINS_ENV: " https://www.Clinics.example/ ,http://127.0.0.1:8080,https://www.clinics.example"}
    assert allowed_origins(env) == ("https://www.clinics.example", "http://127.0.0.1:8080")


@pytest.mark.parametrize("bad", ["www.clinics.example", "https://clinics.example/path", "*",
                                 "https://a.example; script-src *", "https://a.example 'unsafe-inline'",
                                 "javascript:alert(1)", "https://", "ftp://files.example"])
def test_an_entry_that_is_not_an_origin_is_left_out_and_logged(bad, caplog):
    with caplog.at_level(logging.ERROR):
        assert allowed_origins({ORIGINS_ENV: f"{bad},https://ok.example"}) == ("https://ok.example",)
    assert ORIGINS_ENV in caplog.text


# ------------------------------------------------------------------ bounded concurrency


run_async = run_in_own_loop


def test_requests_beyond_the_workers_and_the_waiting_room_are_refused_at_once_not_queued():
    async def scenario():
        admission = Admission(workers=1, waiting=1)
        release = threading.Event()
        running = [asyncio.create_task(admission.run(release.wait)) for _ in range(2)]
        deadline = time.monotonic() + 30
        while admission.admitted < 2:  # one running, one waiting: the room is full
            assert time.monotonic() < deadline, "the two computations were never admitted"
            await asyncio.sleep(0.01)
        with pytest.raises(ApiError) as refused:
            await admission.run(lambda: None)
        release.set()
        await asyncio.gather(*running)
        assert await admission.run(lambda: "free again") == "free again"
        return refused.value

    refused = run_async(scenario)
    assert refused.status == 503 and refused.headers["Retry-After"].isdigit()


async def _loop_and_worker_threads() -> tuple[int, int]:
    return threading.get_ident(), await Admission(workers=1, waiting=0).run(threading.get_ident)


def test_the_work_runs_off_the_event_loop_thread():
    loop, worker = run_async(_loop_and_worker_threads)
    assert loop != worker


# ------------------------------------------------------------------ nothing personal in the log


def _record(msg, args=None, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, msg, args, exc_info)


def test_access_lines_lose_their_query_strings():
    record = _record('%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5000", "GET", "/api/v1/nearest?q=SL6%208DG", "1.1", 200))
    DropQueryStrings().filter(record)
    line = record.getMessage()
    assert "SL6" not in line and "/api/v1/nearest?" in line and "200" in line


def _failing(query: str):
    try:
        {}[query]
    except KeyError as exc:
        raise ValueError(f"no such postcode {query}") from exc


def test_a_traceback_keeps_its_frames_and_loses_every_message():
    typed = "SL6 8DG"  # a frame's source line is code; what was typed reaches it only as a value
    with pytest.raises(ValueError) as failure:
        _failing(typed)
    text = redacted_traceback(failure.value)
    assert "SL6" not in text
    assert "_failing" in text and "builtins.KeyError" in text and "builtins.ValueError" in text

    record = _record("Uncaught app execution", exc_info=(ValueError, failure.value, failure.value.__traceback__))
    TracebackWithoutMessages().filter(record)
    formatted = logging.Formatter().format(record)
    assert "SL6" not in formatted and "Uncaught app execution" in formatted and "_failing" in formatted
