"""What every replica shares: the staff session key, and the count of wrong passphrases across processes."""

from __future__ import annotations

import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from web import shared_state, staff
from web.shared_state import SESSION_KEY_ENV, SharedWrongTries, ensure_session_key, replica_environment
from web.staff import SessionTries, Throttle

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "correct horse battery staple"


def test_the_first_run_writes_a_random_session_key_only_the_owner_can_read(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    assert ensure_session_key(path)
    key = tomllib.loads(path.read_text())["staff_session"]["key"]
    assert len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not ensure_session_key(path)  # kept, never replaced
    assert tomllib.loads(path.read_text())["staff_session"]["key"] == key


def test_the_session_key_is_added_beside_the_passphrase_and_touches_nothing_else(tmp_path):
    path = tmp_path / "secrets.toml"
    passphrase, _ = staff.ensure_secrets_file(path)
    ensure_session_key(path)
    parsed = tomllib.loads(path.read_text())
    assert parsed["staff"]["passphrase"] == passphrase and parsed["staff_session"]["key"]


def test_a_broken_secrets_file_is_left_alone(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text("[staff\n")
    with pytest.raises(tomllib.TOMLDecodeError):
        ensure_session_key(path)
    assert path.read_text() == "[staff\n"


def test_every_replica_gets_the_same_streamlit_cookie_secret_and_the_state_directory(tmp_path):
    path = tmp_path / "secrets.toml"
    first = replica_environment(tmp_path / "state", path, environ={})
    second = replica_environment(tmp_path / "state", path, environ={})
    assert first == second and first[shared_state.STATE_DIR_ENV] == str(tmp_path / "state")
    other = replica_environment(tmp_path / "state", path, environ={SESSION_KEY_ENV: "k" * 40})
    assert other[shared_state.STREAMLIT_COOKIE_SECRET_ENV] != first[shared_state.STREAMLIT_COOKIE_SECRET_ENV]


def test_a_token_signed_by_one_replica_is_accepted_by_another(tmp_path):
    """Two processes with the same key: a sign-in on one is a sign-in on the other."""
    code = ("import sys; from web import staff; "
            "print(staff.session_token(sys.argv[1]) if sys.argv[2] == 'sign' "
            "else staff.token_valid(sys.argv[3], sys.argv[1]))")
    env = {"PATH": "/usr/bin:/bin", SESSION_KEY_ENV: "a shared key of at least thirty-two characters"}

    def run(*args: str, environ: dict[str, str] = env) -> str:
        return subprocess.run([sys.executable, "-c", code, PASSPHRASE, *args], cwd=tmp_path, env=environ,
                              capture_output=True, text=True, check=True,
                              ).stdout.strip()

    env["PYTHONPATH"] = str(REPO_ROOT)
    token = run("sign")
    assert run("check", token) == "True"
    assert run("check", token, environ={**env, SESSION_KEY_ENV: "another key, also thirty-two characters"}) == "False"


def test_wrong_tries_on_different_replicas_slow_every_session_down(tmp_path):
    """A guesser who spreads wrong tries over the replicas, a new session each time, still waits."""
    replicas = [Throttle(global_free=5, tries_log=SharedWrongTries(tmp_path / "tries.sqlite")) for _ in range(3)]
    for i in range(8):
        replicas[i % 3].wrong(SessionTries(), now=1_000)
    assert all(r.wait_s(SessionTries(), now=1_000) == 4 for r in replicas)
    replicas[0].wrong(SessionTries(), now=1_000 + 601)  # the window has passed
    assert all(r.wait_s(SessionTries(), now=1_000 + 601) == 0 for r in replicas)


def test_wrong_tries_recorded_by_another_process_count_here(tmp_path):
    path = tmp_path / "tries.sqlite"
    code = ("import sys; from pathlib import Path; from web.shared_state import SharedWrongTries; "
            "log = SharedWrongTries(Path(sys.argv[1])); [log.record(1000.0 + i, 600) for i in range(30)]")
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO_ROOT, check=True)
    assert SharedWrongTries(path).latest() == (1029.0, 30)
    assert Throttle(global_free=20, tries_log=SharedWrongTries(path)).wait_s(SessionTries(), now=1029) > 0


def test_without_a_state_directory_the_count_is_the_processes_own(tmp_path):
    assert isinstance(shared_state.wrong_tries({}), shared_state.ProcessWrongTries)
    assert isinstance(shared_state.wrong_tries({shared_state.STATE_DIR_ENV: str(tmp_path)}), SharedWrongTries)


def _open_together(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        SharedWrongTries(Path(path))
        results.put("ok")
    except Exception as exc:  # what a replica would die of
        results.put(repr(exc))


def test_replicas_starting_at_the_same_moment_all_open_the_shared_count(tmp_path):
    """bin/serve starts its replicas together; none may fail to start because another is opening the file."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(12):
        path = str(tmp_path / f"wrong-tries-{trial}.sqlite")
        barrier, results = context.Barrier(4), context.Queue()
        replicas = [context.Process(target=_open_together, args=(path, barrier, results)) for _ in range(4)]
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.join(30)
        failures += [r for r in (results.get(timeout=5) for _ in replicas) if r != "ok"]
    assert failures == []
