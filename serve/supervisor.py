"""Keeps N ready replicas behind HAProxy: starts them, replaces the dead and the hung, rolls them, stops them.

One loop, a few times a second (:meth:`Supervisor.tend`):

* a replica that exits is restarted in its slot (at once the first time, then
  backing off up to 30 s while it keeps failing);
* a replica that is stopped (SIGSTOP) is killed and restarted at once, so
  that its pages' connections close and they reconnect to the others;
* a replica HAProxy marks DOWN is killed and restarted if it stays DOWN for
  :data:`DOWN_FOR_S` and does not answer a patient probe either (busy is not
  dead: HAProxy brings a slow one back by itself);
* a new replica gets traffic only once it answers ``/healthz/ready``
  (``set server … state ready``).

SIGHUP replaces the replicas one at a time (:meth:`Supervisor.roll`): a new
one in the spare slot, in service once ready; then the old one drained
(``state drain``: no new sessions), given ``--drain-seconds`` for its open
pages, stopped, and put in maintenance. SIGTERM and Ctrl-C stop HAProxy and
every replica, whatever the loop was doing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import IO

from serve import haproxy
from serve.errors import ServeError
from serve.haproxy import BalancerConfig, RuntimeApi, Slot
from serve.options import Options
from serve.processes import Child
from serve.replicas import REPO_ROOT, Replica
from web import shared_state

TICK_S = 0.2
PROBE_EVERY_S = 0.5
DOWN_FOR_S = 10.0  # a replica DOWN (but running) this long, and silent to PATIENT_PROBE_S, is replaced
PATIENT_PROBE_S = 5.0
STOP_GRACE_S = 10.0
MAX_BACKOFF_S = 30.0


class Shutdown(Exception):
    """SIGTERM or Ctrl-C: stop everything."""


@dataclass
class SlotState:
    slot: Slot
    replica: Replica | None = None
    stopping: Child | None = None  # its predecessor, drained and on its way out (still holding the port)
    in_service: bool = False  # HAProxy sends it traffic (state ready)
    failures: int = 0  # consecutive starts that did not end in service
    start_after: float = 0.0
    last_probe: float = 0.0
    down_since: float | None = None


class Supervisor:
    def __init__(self, options: Options, out: IO[str] = sys.stdout) -> None:
        self.options = options
        self.out = out
        self.slots = [SlotState(Slot(f"r{i + 1}", port)) for i, port in enumerate(options.slot_ports)]
        self.wanted = {s.slot.name for s in self.slots[: options.replicas]}  # slots that should serve
        self.balancer: Child | None = None
        self.runtime = RuntimeApi(options.state_dir / "haproxy.sock")
        self.config_path = options.state_dir / "haproxy.cfg"
        self.tls_pem = options.state_dir / "tls.pem" if options.tls else None
        self.env: dict[str, str] = {}
        self.binary = ""
        self._stop_requested = False
        self._roll_requested = False
        self._starting = True

    # ---------------------------------------------------------------- the whole run

    def run(self) -> int:
        """Check, start, serve until SIGTERM or Ctrl-C; returns the exit status."""
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        try:
            self.prepare()
            self.start()
            self.say(f"serving {self.options.url} with {self.options.replicas} replicas "
                     f"(HAProxy stats: http://127.0.0.1:{self.options.stats_port}/stats). "
                     "SIGHUP: rolling restart; Ctrl-C or SIGTERM: stop.")
            while True:
                if self._roll_requested:
                    self._roll_requested = False
                    self.roll()
                self.tend()
                self.sleep(TICK_S)
        except Shutdown:
            self.say("stopping")
            return 0
        except ServeError as exc:
            print(f"bin/serve: {exc.message}", file=sys.stderr, flush=True)
            return 1
        finally:
            self.stop_all()

    def prepare(self) -> None:
        """Everything that can fail before a process starts: binary, TLS files, ports, secrets, configuration."""
        from serve.options import preflight

        binary = haproxy.haproxy_binary()
        preflight(self.options)
        self.options.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.options.tls_cert and self.options.tls_key and self.tls_pem:
            # HAProxy wants the chain and the key in one file; readable by this user alone.
            bundle = self.options.tls_cert.read_bytes().rstrip(b"\n") + b"\n" + self.options.tls_key.read_bytes()
            fd = os.open(self.tls_pem, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(bundle)
        self.env = {**os.environ, **shared_state.replica_environment(self.options.state_dir)}
        self.write_config(in_service=frozenset(self.wanted))
        haproxy.check(binary, self.config_path)
        self.binary = binary

    def start(self) -> None:
        """The replicas, each until ready; then HAProxy with them in service."""
        deadline = time.monotonic() + self.options.ready_timeout_s
        for state in self.slots:
            if state.slot.name in self.wanted:
                self.start_replica(state)
        while not all(self.slot(name).in_service for name in self.wanted):
            self.tend()
            if time.monotonic() > deadline:
                late = sorted(n for n in self.wanted if not self.slot(n).in_service)
                raise ServeError(f"replica {', '.join(late)} did not become ready within "
                                 f"{self.options.ready_timeout_s:.0f} s (its output is above); nothing is served. "
                                 "Raise --ready-timeout on a slow machine.")
            self.sleep(TICK_S)
        self._starting = False
        self.start_balancer()

    def start_balancer(self) -> None:
        self.write_config(in_service=frozenset(s.slot.name for s in self.slots if s.in_service))
        self.runtime.path.unlink(missing_ok=True)
        self.balancer = Child("haproxy", [self.binary, "-db", "-f", str(self.config_path)], os.environ, self.out,
                              REPO_ROOT)
        deadline = time.monotonic() + 10
        while not self.runtime.answers():
            if self.balancer.exited() is not None or time.monotonic() > deadline:
                raise ServeError("HAProxy did not start (its output is above); nothing is served.")
            self.sleep(0.05)

    def write_config(self, in_service: frozenset[str]) -> None:
        config = BalancerConfig(
            bind_address=self.options.bind, port=self.options.port, slots=tuple(s.slot for s in self.slots),
            stats_port=self.options.stats_port, runtime_socket=self.runtime.path, in_service=in_service,
            tls_pem=self.tls_pem, http_port=self.options.http_port, public_origin=self.options.public_url)
        self.config_path.write_text(config.render(), encoding="utf-8")

    # ---------------------------------------------------------------- the loop

    def tend(self) -> None:
        """One look at every process: restart the dead, replace the hung, bring the ready into service."""
        now = time.monotonic()
        if self.balancer is not None and self.balancer.exited() is not None:
            self.say(f"HAProxy exited (code {self.balancer.exited()}); starting it again")
            self.start_balancer()
        servers = self.servers()
        for state in self.slots:
            name = state.slot.name
            replica = state.replica
            if state.stopping is not None and state.stopping.reap():
                state.stopping = None
            if replica is None:
                if name in self.wanted and state.stopping is None and now >= state.start_after:
                    self.start_replica(state)
                continue
            code = replica.exited()
            if code is not None:
                if self._starting:
                    raise ServeError(f"replica {name} exited with code {code} while starting (its output is "
                                     "above); nothing is served.")
                self.say(f"replica {name} (pid {replica.pid}) exited with code {code}; starting another")
                self.replace(state, now)
            elif replica.stopped():
                # Stopped (SIGSTOP) answers nothing, ever: no need to wait for HAProxy to say so.
                self.say(f"replica {name} (pid {replica.pid}) is stopped; replacing it")
                self.replace(state, now)
            elif not state.in_service:
                if now - state.last_probe >= PROBE_EVERY_S:
                    state.last_probe = now
                    if replica.ready():
                        self.put_in_service(state)
                    elif now - replica.started > self.options.ready_timeout_s and not self._starting:
                        self.say(f"replica {name} not ready after {self.options.ready_timeout_s:.0f} s; "
                                 "starting another")
                        self.replace(state, now)
            elif servers.get(name, {}).get("status", "").startswith("DOWN"):
                state.down_since = state.down_since or now
                if now - state.down_since >= DOWN_FOR_S:
                    if replica.ready(timeout=PATIENT_PROBE_S):
                        state.down_since = now  # slow, not hung: HAProxy will bring it back
                    else:
                        self.say(f"replica {name} (pid {replica.pid}) has failed its health checks for "
                                 f"{DOWN_FOR_S:.0f} s and does not answer; replacing it")
                        self.replace(state, now)
            else:
                state.down_since = None

    def start_replica(self, state: SlotState) -> None:
        state.replica = Replica(state.slot.name, state.slot.port, self.env, self.out)
        state.last_probe = 0.0
        state.down_since = None

    def put_in_service(self, state: SlotState) -> None:
        if self.balancer is not None:
            self.runtime.set_state(state.slot.name, "ready")
        state.in_service = True
        state.failures = 0
        if not self._starting:
            self.say(f"replica {state.slot.name} (pid {state.replica.pid if state.replica else '?'}) is in service")

    def take_out(self, state: SlotState) -> None:
        if self.balancer is not None and self.balancer.exited() is None:
            with contextlib.suppress(OSError):
                self.runtime.set_state(state.slot.name, "maint")
        state.in_service = False

    def replace(self, state: SlotState, now: float) -> None:
        """Out of service, killed; started again now, or after a back-off if it keeps failing."""
        self.take_out(state)
        if state.replica is not None:
            state.replica.kill()
            state.replica = None
        state.failures += 1
        state.start_after = now + (0.0 if state.failures <= 1 else min(MAX_BACKOFF_S, 2.0 ** (state.failures - 2)))

    def servers(self) -> dict[str, dict[str, str]]:
        if self.balancer is None:
            return {}
        try:
            return self.runtime.servers()
        except OSError:
            return {}

    # ---------------------------------------------------------------- rolling restart

    def roll(self) -> None:
        """Replace every replica, one at a time, each new one ready before its predecessor is drained."""
        self.say("SIGHUP: replacing the replicas one at a time")
        for old_name in sorted(self.wanted):
            old = self.slot(old_name)
            spare = next(s for s in self.slots if s.slot.name not in self.wanted and s.replica is None)
            # The slot's last replica may still be on its way out, holding the port: tend() waits for it.
            self.wanted.add(spare.slot.name)
            spare.failures, spare.start_after = 0, 0.0
            deadline = time.monotonic() + self.options.ready_timeout_s
            while not spare.in_service:
                self.tend()
                if time.monotonic() > deadline or spare.failures:
                    self.wanted.discard(spare.slot.name)
                    self.take_out(spare)
                    if spare.replica is not None:
                        spare.replica.kill()
                        spare.replica = None
                    self.say(f"rolling restart abandoned: the new replica {spare.slot.name} did not become "
                             "ready (its output is above); the running replicas keep serving")
                    return
                self.sleep(TICK_S)
            self.drain(old)
        self.say("rolling restart done")

    def drain(self, state: SlotState) -> None:
        """No new sessions for ``state``; its open pages get the grace period; then it stops."""
        self.wanted.discard(state.slot.name)
        if state.replica is None:
            return
        if self.balancer is not None and state.in_service:
            self.runtime.set_state(state.slot.name, "drain")
        self.say(f"replica {state.slot.name} (pid {state.replica.pid}) draining for up to "
                 f"{self.options.drain_s:g} s")
        deadline = time.monotonic() + self.options.drain_s
        while time.monotonic() < deadline:
            self.tend()
            if self.servers().get(state.slot.name, {}).get("scur", "0") == "0":
                break  # nobody left on it
            self.sleep(TICK_S)
        self.take_out(state)
        if state.replica is not None:
            state.replica.terminate(STOP_GRACE_S)
            state.stopping, state.replica = state.replica, None

    # ---------------------------------------------------------------- stopping

    def stop_all(self) -> None:
        """HAProxy first (no new requests), then every replica at once; none is left behind."""
        children = [c for c in (self.balancer, *(s.replica for s in self.slots), *(s.stopping for s in self.slots))
                    if c is not None]
        for child in children:
            child.terminate(STOP_GRACE_S)
        for child in children:
            while not child.reap():
                time.sleep(0.05)
        self.balancer = None
        for state in self.slots:
            state.replica = state.stopping = None
        self.runtime.path.unlink(missing_ok=True)

    # ---------------------------------------------------------------- helpers

    def slot(self, name: str) -> SlotState:
        return next(s for s in self.slots if s.slot.name == name)

    def sleep(self, seconds: float) -> None:
        if self._stop_requested:
            raise Shutdown
        time.sleep(seconds)
        if self._stop_requested:
            raise Shutdown

    def say(self, message: str) -> None:
        self.out.write(f"bin/serve: {message}\n")
        self.out.flush()

    def _on_stop(self, signum: int, _frame: object) -> None:
        self._stop_requested = True

    def _on_hup(self, signum: int, _frame: object) -> None:
        self._roll_requested = True
