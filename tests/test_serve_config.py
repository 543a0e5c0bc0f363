"""bin/serve before it starts anything: the HAProxy configuration it generates, and the faults it refuses to start with.

HAProxy itself judges the configuration (``haproxy -c``), plain and with TLS.
A missing or half-written TLS file, a port in use or no ``haproxy``: bin/serve
says what is wrong and how to fix it, and starts no process.
"""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from serve import haproxy
from serve.errors import ServeError
from serve.haproxy import BalancerConfig, Slot
from serve.options import Options, parse
from serve.supervisor import Supervisor
from tests.serve_harness import alive, self_signed
from web.readiness import HEALTH_PORT_OFFSET

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def options(tmp_path: Path, *args: str) -> Options:
    ports = ["--port", str(free_port()), "--replica-port", str(free_port()), "--stats-port", str(free_port())]
    return parse(["--bind", "127.0.0.1", "--state-dir", str(tmp_path / "state"), *ports, *args], {})


def config(tmp_path: Path, **changes) -> Path:
    settings = dict(bind_address="127.0.0.1", port=8080, stats_port=8404, runtime_socket=tmp_path / "haproxy.sock",
                    slots=(Slot("r1", 8600), Slot("r2", 8601), Slot("r3", 8602)), in_service=frozenset({"r1", "r2"}))
    path = tmp_path / "haproxy.cfg"
    path.write_text(BalancerConfig(**{**settings, **changes}).render())
    return path


# ------------------------------------------------------------------ the configuration, judged by HAProxy


def test_haproxy_accepts_the_generated_plain_http_configuration(tmp_path):
    haproxy.check(haproxy.haproxy_binary(), config(tmp_path))


def test_haproxy_accepts_the_generated_https_configuration_with_its_redirect(tmp_path):
    cert, key = self_signed(tmp_path)
    pem = tmp_path / "tls.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    path = config(tmp_path, tls_pem=pem, port=8443, http_port=8081, public_origin="https://clinics.example.org")
    haproxy.check(haproxy.haproxy_binary(), path)
    text = path.read_text()
    assert "Strict-Transport-Security" in text and "redirect location https://clinics.example.org" in text


def test_a_configuration_haproxy_refuses_is_reported_in_its_own_words(tmp_path):
    path = tmp_path / "broken.cfg"
    path.write_text("frontend x\n    bind 127.0.0.1:1\n    no-such-keyword\n")
    with pytest.raises(ServeError, match="refuses the generated configuration"):
        haproxy.check(haproxy.haproxy_binary(), path)


def test_every_slot_is_in_maintenance_until_its_replica_is_ready(tmp_path):
    text = config(tmp_path, in_service=frozenset({"r2"})).read_text()
    servers = [line.split() for line in text.splitlines() if line.strip().startswith("server ")]
    assert {s[1]: s[-1] == "disabled" for s in servers} == {"r1": True, "r2": False, "r3": True}
    assert all("check" in s and "127.0.0.1" in s[2] for s in servers)


def test_the_public_frontend_never_passes_metrics_and_logs_no_request(tmp_path):
    text = config(tmp_path).read_text()
    public = text.split("frontend public", 1)[1].split("\nbackend ", 1)[0]
    assert "deny" in public and "metrics" in public
    assert not any(line.strip().startswith("log ") for line in text.splitlines())


# ------------------------------------------------------------------ refusing to start, starting nothing


def refuse(opts: Options) -> str:
    out = io.StringIO()
    supervisor = Supervisor(opts, out=out)
    err = io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        assert supervisor.run() == 1
    finally:
        sys.stderr = old
    assert supervisor.balancer is None and all(s.replica is None for s in supervisor.slots), "something started"
    assert "[r1]" not in out.getvalue()
    return err.getvalue()


def test_a_missing_certificate_is_named_with_where_certbot_puts_one(tmp_path):
    cert, key = self_signed(tmp_path)
    message = refuse(options(tmp_path, "--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(key)))
    assert "nope.pem: no such file" in message and "fullchain.pem" in message


def test_a_half_written_certificate_is_refused_before_anything_starts(tmp_path):
    cert, key = self_signed(tmp_path)
    text = cert.read_bytes()
    cert.write_bytes(text[: len(text) // 2])
    message = refuse(options(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key)))
    assert "half-written" in message and str(cert) in message


def test_a_key_of_another_certificate_is_refused(tmp_path):
    cert, _ = self_signed(tmp_path)
    (tmp_path / "other").mkdir()
    _, other_key = self_signed(tmp_path / "other")
    assert "its own private key" in refuse(options(tmp_path, "--tls-cert", str(cert), "--tls-key", str(other_key)))


def test_a_port_in_use_is_named_with_how_to_find_what_holds_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = refuse(options(tmp_path, "--port", str(port)))
    assert f"port {port} is already in use" in message and "ss -ltnp" in message


def test_without_haproxy_it_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(haproxy, "SEARCH_PATH", str(tmp_path))
    message = refuse(options(tmp_path))
    assert "haproxy is not installed" in message and "apt-get install haproxy" in message


@pytest.mark.parametrize("args, says", [
    (["--tls-cert", "a.pem"], "go together"),
    (["--http-port", "8081"], "needs --tls-cert"),
    (["--replicas", "0"], "between 1 and 64"),
    (["--port", "70000"], "port number"),
])
def test_contradictory_options_are_refused_with_the_rule(args, says, capsys):
    with pytest.raises(SystemExit) as exited:
        parse(args, {})
    assert exited.value.code == 2 and says in capsys.readouterr().err


def test_the_public_url_must_be_an_origin():
    assert parse([], {"CLINIC_LOCATOR_PUBLIC_URL": "https://clinics.example.org/"}).public_url == \
        "https://clinics.example.org"
    with pytest.raises(ServeError, match="e.g. https://clinics.example.org"):
        parse([], {"CLINIC_LOCATOR_PUBLIC_URL": "clinics.example.org/find"})


def test_bin_serve_help_names_the_one_command(tmp_path):
    result = subprocess.run([str(REPO_ROOT / "bin" / "serve"), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--replicas" in result.stdout and "--tls-cert" in result.stdout


def test_a_child_dies_with_bin_serve_even_when_bin_serve_is_killed_outright(tmp_path):
    """SIGKILL cannot be caught: the kernel itself stops the children (setpriv --pdeathsig)."""
    code = ("import io, sys, time; from pathlib import Path; from serve.processes import Child; "
            "c = Child('sleeper', ['sleep', '600'], {'PATH': '/usr/bin:/bin'}, io.StringIO(), Path('.')); "
            "print(c.pid, flush=True); time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        # setpriv sets the parent-death signal, then becomes the command: wait for that.
        deadline = time.monotonic() + 10
        while not Path(f"/proc/{child}/cmdline").read_bytes().startswith(b"sleep\0"):
            assert time.monotonic() < deadline, "the child never became the command"
            time.sleep(0.01)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_haproxys_health_check_takes_a_hung_replica_out_within_3_s(tmp_path):
    """The template's check timing alone, with no supervisor: a stand-in replica that answers, then hangs."""
    (tmp_path / "healthz").mkdir()
    (tmp_path / "healthz" / "ready").write_text('{"ready":true}')
    health_port, port, stats_port = (free_port() for _ in range(3))
    replica_port = health_port - HEALTH_PORT_OFFSET  # HAProxy checks a replica on its port + the offset
    replica = subprocess.Popen([sys.executable, "-m", "http.server", str(health_port), "--bind", "127.0.0.1"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = config(tmp_path, port=port, stats_port=stats_port, slots=(Slot("r1", replica_port),),
                  in_service=frozenset({"r1"}))
    balancer = subprocess.Popen([haproxy.haproxy_binary(), "-db", "-f", str(path)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    runtime = haproxy.RuntimeApi(tmp_path / "haproxy.sock")
    try:
        def status() -> str:
            try:
                return runtime.servers()["r1"]["status"]
            except OSError:
                return "no balancer yet"

        deadline = time.monotonic() + 30
        while not (status() == "UP" and runtime.servers()["r1"]["check_status"] == "L7OK"):
            assert time.monotonic() < deadline, status()
            time.sleep(0.05)
        replica.send_signal(signal.SIGSTOP)
        stopped = time.monotonic()
        while status().startswith("UP"):
            assert time.monotonic() - stopped < 10, "never taken out"
            time.sleep(0.02)
        assert time.monotonic() - stopped <= 3.0
    finally:
        balancer.kill()
        replica.kill()
        balancer.wait()
        replica.wait()
