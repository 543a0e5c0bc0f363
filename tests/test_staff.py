"""The call-centre desk is for staff: where the passphrase comes from, how it is checked, how wrong tries are
slowed, and what the sign-in shows (through AppTest)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.staff_sign_in import EMPTY, NOT_SET, PASSPHRASE_LABEL, SIGN_IN, SIGN_OUT, WRONG
from web import staff
from web.staff import PASSPHRASE_ENV, SessionTries, Throttle

REPO = Path(__file__).resolve().parent.parent
DESK = str(Path(__file__).with_name("staff_desk_app.py"))
DESK_FIELD = "Your postcode or town"
PASSPHRASE = "a long phrase only staff know"


# ------------------------------------------------------------------ the passphrase


def test_the_environment_variable_wins_over_the_secrets_file():
    secrets = {"staff": {"passphrase": "from the file"}}
    assert staff.configured_passphrase({PASSPHRASE_ENV: "from the environment"}, secrets) == "from the environment"
    assert staff.configured_passphrase({}, secrets) == "from the file"
    assert staff.configured_passphrase({PASSPHRASE_ENV: "   "}, secrets) == "from the file"


@pytest.mark.parametrize("secrets", [{}, {"staff": {}}, {"staff": {"passphrase": "  "}}, {"staff": "x"},
                                     {"staff": {"passphrase": 1234}}])
def test_no_usable_passphrase_counts_as_none_set(secrets):
    assert staff.configured_passphrase({}, secrets) is None


def test_only_the_exact_passphrase_matches():
    assert staff.matches(PASSPHRASE, PASSPHRASE)
    assert staff.matches(f"  {PASSPHRASE}\n", PASSPHRASE)  # pasted with a stray space or newline
    for wrong in ("", PASSPHRASE.upper(), PASSPHRASE[:-1], PASSPHRASE + "x", "é" * 40, "\udcff"):
        assert not staff.matches(wrong, PASSPHRASE)


def test_a_new_passphrase_signs_every_session_out():
    assert staff.fingerprint("one") != staff.fingerprint("two")
    assert "one" not in staff.fingerprint("one")


# ------------------------------------------------------------------ slowing wrong tries


def test_a_session_waits_longer_after_each_wrong_try_past_the_first_few():
    throttle, tries = Throttle(free_tries=3, base_s=1, max_s=60), SessionTries()
    waits = []
    for _ in range(10):
        throttle.wrong(tries, now=0)
        waits.append(throttle.wait_s(tries, now=0))
    assert waits[:3] == [0, 0, 0]
    assert waits[3:] == [1, 2, 4, 8, 16, 32, 60]
    assert throttle.wait_s(tries, now=60) == 0


def test_new_sessions_do_not_start_a_guesser_afresh():
    throttle = Throttle(free_tries=3, global_free=5, base_s=1, max_s=60, window_s=600)
    for _ in range(8):  # each wrong try from a brand-new session, which alone would never wait
        throttle.wrong(SessionTries(), now=100)
    assert throttle.wait_s(SessionTries(), now=100) == 4
    # Wrong tries older than the window no longer count.
    throttle.wrong(SessionTries(), now=100 + 601)
    assert throttle.wait_s(SessionTries(), now=100 + 601) == 0


def test_signing_in_clears_the_sessions_own_count():
    throttle, tries = Throttle(free_tries=1), SessionTries()
    throttle.wrong(tries, now=0)
    throttle.wrong(tries, now=0)
    throttle.right(tries)
    assert throttle.wait_s(tries, now=0) == 0


# ------------------------------------------------------------------ bin/app's first run


def test_first_run_writes_a_random_passphrase_only_the_owner_can_read(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    passphrase, created = staff.ensure_secrets_file(path)
    assert created and len(passphrase) >= 20
    assert tomllib.loads(path.read_text())["staff"]["passphrase"] == passphrase
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert staff.ensure_secrets_file(path) == (passphrase, False)
    assert staff.ensure_secrets_file(tmp_path / "other.toml")[0] != passphrase


def test_first_run_keeps_what_the_secrets_file_already_holds(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"')
    passphrase, created = staff.ensure_secrets_file(path)
    parsed = tomllib.loads(path.read_text())
    assert created and parsed["auth"]["redirect_uri"].endswith("oauth2callback")
    assert parsed["staff"]["passphrase"] == passphrase


def test_bin_app_prints_the_passphrase_it_created_and_says_where_it_is(tmp_path):
    path = tmp_path / "secrets.toml"
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    run = subprocess.run([sys.executable, "-m", "web.staff", str(path)], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True)
    passphrase = tomllib.loads(path.read_text())["staff"]["passphrase"]
    assert passphrase in run.stdout and "/call-centre" in run.stdout and str(path) in run.stdout
    assert "web.staff" in (REPO / "bin" / "app").read_text()


def test_a_broken_secrets_file_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text("[staff\npassphrase = ")
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    run = subprocess.run([sys.executable, "-m", "web.staff", str(path)], cwd=REPO, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1 and str(path) in run.stderr and "Traceback" not in run.stderr
    assert path.read_text() == "[staff\npassphrase = "


def test_the_secrets_file_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=REPO)
    assert ignored.returncode == 0


# ------------------------------------------------------------------ the sign-in, through AppTest


@pytest.fixture
def desk(monkeypatch) -> AppTest:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setattr(staff, "THROTTLE", Throttle())
    at = AppTest.from_file(DESK, default_timeout=30)
    at.secrets = {"unrelated": "x"}  # never the developer's own .streamlit/secrets.toml
    return at.run()


def sign_in(at: AppTest, passphrase: str) -> AppTest:
    at.text_input(key="staff_passphrase").input(passphrase)
    next(b for b in at.button if b.label == SIGN_IN).click()
    return at.run()


def desk_is_open(at: AppTest) -> bool:
    return any(t.label == DESK_FIELD for t in at.text_input)


def test_before_sign_in_the_page_asks_for_the_passphrase_and_shows_no_desk(desk):
    assert not desk.exception
    [field] = desk.text_input
    assert field.label == PASSPHRASE_LABEL and field.proto.type == field.proto.PASSWORD
    assert not desk_is_open(desk)


def test_a_wrong_passphrase_is_refused_with_an_error(desk):
    sign_in(desk, "guess")
    assert [e.value for e in desk.error] == [WRONG]
    assert not desk_is_open(desk)


def test_an_empty_passphrase_asks_for_one_and_is_not_counted(desk):
    sign_in(desk, "  ")
    assert [e.value for e in desk.error] == [EMPTY]
    assert desk.session_state["staff_tries"].wrong == 0


def test_the_right_passphrase_opens_the_desk_and_keeps_it_open(desk):
    sign_in(desk, PASSPHRASE)
    assert desk_is_open(desk) and not desk.error
    assert "staff_passphrase" not in desk.session_state  # the typed passphrase is not kept
    desk.run()  # any later rerun of the session
    assert desk_is_open(desk)
    next(b for b in desk.button if b.label == SIGN_OUT).click()
    desk.run()
    assert not desk_is_open(desk)


def test_after_many_wrong_tries_even_the_right_passphrase_must_wait(desk):
    for _ in range(staff.THROTTLE.free_tries + 1):
        sign_in(desk, "guess")
    sign_in(desk, PASSPHRASE)
    assert "Too many wrong tries" in desk.error[0].value
    assert not desk_is_open(desk)


def test_with_no_passphrase_set_the_page_says_how_to_set_one_and_offers_no_desk(monkeypatch):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    at = AppTest.from_file(DESK, default_timeout=30)
    at.secrets = {"unrelated": "x"}
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [NOT_SET]
    assert PASSPHRASE_ENV in NOT_SET and ".streamlit/secrets.toml" in NOT_SET
    assert not at.text_input


# ------------------------------------------------------------------ the browser-session cookie


def test_a_session_token_proves_this_passphrase_for_twelve_hours():
    token = staff.session_token(PASSPHRASE, now=1_000)
    assert staff.token_valid(token, PASSPHRASE, now=1_000 + 3600)
    assert not staff.token_valid(token, PASSPHRASE, now=1_000 + staff.MAX_SESSION_S + 1)
    assert not staff.token_valid(token, "another passphrase", now=1_000)
    issued, mac = token.split(".")
    assert not staff.token_valid(f"{int(issued) + 1}.{mac}", PASSPHRASE, now=1_000)
    forgeries: tuple = (None, "", ".", "abc.def", f"{issued}.", "1" * 40 + "." + mac, 42)
    for forged in forgeries:
        assert not staff.token_valid(forged, PASSPHRASE, now=1_000)
