"""Staff sign in as themselves through the clinics' identity provider (OpenID Connect): docs/adr/0019.

Streamlit does the protocol (``st.login``, ``st.user``, ``st.logout``, Authlib
underneath). This module decides the rest, from ``.streamlit/secrets.toml``:

``[auth]`` (Streamlit's own section)
    ``redirect_uri`` (the public HTTPS origin + ``/oauth2callback``),
    ``cookie_secret`` (signs the sign-in cookie; the same on every replica),
    and the provider: ``client_id``, ``client_secret``, ``server_metadata_url``
    in ``[auth]`` itself, or in one ``[auth.<name>]`` table per provider.
``[staff_access]`` (ours: the one place that says who may use the desk)
    ``allowed_domains``, ``allowed_emails``, ``allowed_groups`` (matched
    against the ID token's ``groups_claim``, ``"groups"`` unless set, e.g.
    ``"roles"`` for Entra ID app roles), ``session_hours`` (how long a
    sign-in lasts, :data:`DEFAULT_SESSION_HOURS` unless set) and
    ``ask_for_access`` (what someone who is not allowed is told to do).

With an ``[auth]`` section present, however broken, the desk is OIDC's: the
passphrase is refused, and a problem closes the desk with one message for the
operator in the log (:func:`report`) and a plain one for staff. Nothing here
draws; ``components/staff_sign_in.py`` does.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.logger import get_logger

from locator import messages
from web.public_url import PUBLIC_URL_ENV

AUTH_SECTION = "auth"
ACCESS_SECTION = "staff_access"
CALLBACK_PATH = "/oauth2callback"
DESK_PATH = "/call-centre"
DEFAULT_SESSION_HOURS = 10.0  # a working day
MAX_SESSION_HOURS = 24.0
MIN_COOKIE_SECRET_CHARS = 32
# What the page's address says after a sign-in that did not complete (web.sign_in_flow sets it).
OUTCOME_PARAM = "sign_in"
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")

_LOG = get_logger(__name__)


@dataclass(frozen=True)
class Provider:
    """One identity provider: its ``st.login`` name (``None``: the keys are in ``[auth]`` itself)."""

    name: str | None
    metadata_url: str

    @property
    def label(self) -> str:
        return messages.sign_in_with(None if self.name is None else self.name.replace("-", " ").title())


@dataclass(frozen=True)
class AccessRules:
    """Who may use the desk, and for how long a sign-in lasts."""

    domains: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    groups_claim: str = "groups"
    session_hours: float = DEFAULT_SESSION_HOURS
    ask_for_access: str = ""

    @property
    def names_anyone(self) -> bool:
        return bool(self.domains or self.emails or self.groups)


@dataclass(frozen=True)
class SignInConfig:
    """``[auth]`` and ``[staff_access]`` as read: the providers, the rules, and every problem found."""

    providers: tuple[Provider, ...] = ()
    redirect_uri: str = ""
    rules: AccessRules = AccessRules()
    problems: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        return origin_of(self.redirect_uri) or ""


def current_config() -> SignInConfig | None:
    """The operator's sign-in settings now (None: no ``[auth]``, the passphrase desk).

    A secrets file that cannot be parsed raises Streamlit's error: the caller says so.
    """
    from streamlit import config

    secrets = read_secrets()
    if not auth_configured(secrets):
        return None
    return read_config(secrets, os.environ, port=config.get_option("server.port"))


class SecretsUnreadable(Exception):
    """A secrets file exists but cannot be parsed: neither sign-in can be trusted, so the desk stays shut."""


def read_secrets() -> dict:
    """Streamlit's secrets as a dict; {} when there is no secrets file; raises SecretsUnreadable for a broken one.

    Streamlit raises the same error for a missing file and an unparsable one, and
    a broken file must not read as "no [auth]": that would reopen the passphrase desk.
    """
    import streamlit as st
    from streamlit import config

    try:
        return st.secrets.to_dict()
    except FileNotFoundError as exc:
        if any(Path(p).is_file() for p in config.get_option("secrets.files")):
            raise SecretsUnreadable(str(exc)) from None
        return {}


def auth_configured(secrets: Mapping) -> bool:
    """Whether the operator asked for OIDC sign-in: an ``[auth]`` section, complete or not."""
    return AUTH_SECTION in secrets


def read_config(secrets: Mapping, environ: Mapping[str, str], port: int | None = None) -> SignInConfig:
    """Read and check ``[auth]`` and ``[staff_access]``; every problem is an operator's sentence.

    ``port`` fills Streamlit's ``{port}`` placeholder in ``redirect_uri``.
    """
    problems: list[str] = []
    auth = secrets.get(AUTH_SECTION)
    if not isinstance(auth, Mapping):
        return SignInConfig(problems=(f"[{AUTH_SECTION}] in .streamlit/secrets.toml must be a table of keys "
                                      f"(redirect_uri, cookie_secret, client_id, ...).",))
    redirect_uri = _redirect_uri(auth, environ, port, problems)
    secret = auth.get("cookie_secret")
    if not isinstance(secret, str) or len(secret.strip()) < MIN_COOKIE_SECRET_CHARS:
        problems.append(f"[{AUTH_SECTION}] cookie_secret is missing or shorter than {MIN_COOKIE_SECRET_CHARS} "
                        f"characters: set a long random one, the same on every replica (for example the output of "
                        f"`python -c 'import secrets; print(secrets.token_urlsafe(32))'`).")
    providers = _providers(auth, problems)
    rules = _rules(secrets.get(ACCESS_SECTION, {}), problems)
    return SignInConfig(tuple(providers), redirect_uri, rules, tuple(problems))


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _redirect_uri(auth: Mapping, environ: Mapping[str, str], port: int | None, problems: list[str]) -> str:
    value = auth.get("redirect_uri")
    example = f"https://clinics.example.org{CALLBACK_PATH}"
    if not isinstance(value, str) or not value.strip():
        problems.append(f"[{AUTH_SECTION}] redirect_uri is missing: set it to the app's public address followed by "
                        f"{CALLBACK_PATH}, e.g. {example}, and register the same address with the identity provider.")
        return ""
    uri = value.strip().replace("{port}", str(port)) if port is not None else value.strip()
    origin = origin_of(uri)
    # Streamlit's callback route is at the root (server.baseUrlPath is not supported here).
    if origin is None or urlsplit(uri).path != CALLBACK_PATH:
        problems.append(f"[{AUTH_SECTION}] redirect_uri {uri!r} is not the app's address followed by {CALLBACK_PATH} "
                        f"(e.g. {example}).")
        return uri
    if origin.startswith("http://") and not _loopback(urlsplit(uri).hostname or ""):
        problems.append(f"[{AUTH_SECTION}] redirect_uri {uri!r} is plain http: identity providers send the sign-in "
                        f"back only to https (or to this machine itself). Use the public https address.")
    public = environ.get(PUBLIC_URL_ENV, "").strip()
    if public and origin_of(public) != origin:
        problems.append(f"[{AUTH_SECTION}] redirect_uri {uri!r} is not on the public address {PUBLIC_URL_ENV}="
                        f"{public!r}: set redirect_uri to {public.rstrip('/')}{CALLBACK_PATH} and register it "
                        f"with the identity provider.")
    return uri


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _providers(auth: Mapping, problems: list[str]) -> list[Provider]:
    named = {name: table for name, table in auth.items()
             if isinstance(table, Mapping) and name != "client_kwargs" and any(k in table for k in _PROVIDER_KEYS)}
    flat = any(key in auth for key in _PROVIDER_KEYS)
    if not named and not flat:
        problems.append(f"[{AUTH_SECTION}] names no identity provider: add client_id, client_secret and "
                        f"server_metadata_url (see the README's Microsoft Entra ID and Google sections).")
        return []
    candidates = ([(None, auth)] if flat else []) + sorted(named.items())
    providers = []
    for name, table in candidates:
        where = f"[{AUTH_SECTION}]" if name is None else f"[{AUTH_SECTION}.{name}]"
        missing = [key for key in _PROVIDER_KEYS if not (isinstance(table.get(key), str) and table.get(key).strip())]
        if missing:
            problems.append(f"{where} is missing {', '.join(missing)}: copy them from the app's registration with "
                            f"the identity provider.")
            continue
        if name is not None and "_" in name:
            problems.append(f"{where}: a provider's name cannot contain '_' (Streamlit's rule); use '-'.")
            continue
        url = table["server_metadata_url"].strip()
        if origin_of(url) is None:
            problems.append(f"{where} server_metadata_url {url!r} is not a web address; it ends in "
                            f"/.well-known/openid-configuration.")
            continue
        providers.append(Provider(name, url))
    return providers


def _rules(section: object, problems: list[str]) -> AccessRules:
    if not isinstance(section, Mapping):
        problems.append(f"[{ACCESS_SECTION}] must be a table (allowed_domains, allowed_emails, allowed_groups, ...).")
        return AccessRules()

    def words(key: str) -> frozenset[str]:
        value = section.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"[{ACCESS_SECTION}] {key} must be a list of text, e.g. {key} = [\"clinic.example\"].")
            return frozenset()
        return frozenset(v.strip().lower().lstrip("@") for v in value if v.strip())

    hours = section.get("session_hours", DEFAULT_SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_SESSION_HOURS:
        problems.append(f"[{ACCESS_SECTION}] session_hours must be a number of hours above 0 and at most "
                        f"{MAX_SESSION_HOURS:g}; {DEFAULT_SESSION_HOURS:g} is a working day.")
        hours = DEFAULT_SESSION_HOURS
    claim = section.get("groups_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        problems.append(f"[{ACCESS_SECTION}] groups_claim must name the ID token's claim, e.g. \"groups\" or \"roles\".")
        claim = "groups"
    ask = section.get("ask_for_access", "")
    rules = AccessRules(words("allowed_domains"), words("allowed_emails"), words("allowed_groups"), claim.strip(),
                        float(hours), ask.strip() if isinstance(ask, str) else "")
    if not rules.names_anyone:
        problems.append(f"[{ACCESS_SECTION}] allows no one: list the staff's email domains (allowed_domains), "
                        f"addresses (allowed_emails) or groups (allowed_groups) in .streamlit/secrets.toml.")
    return rules


# ------------------------------------------------------------------ who is signed in


def identity(user: Mapping) -> str:
    """How the audit log and the page name a signed-in person: their email address, else the provider's id."""
    email = email_of(user)
    if email:
        return email
    return str(user.get("sub") or "unknown")


def email_of(user: Mapping) -> str | None:
    """The person's email address, lower-cased; Entra ID may give it only as ``preferred_username``."""
    for key in ("email", "preferred_username", "upn"):
        value = user.get(key)
        if isinstance(value, str) and "@" in value.strip():
            return value.strip().lower()
    return None


def allowed(user: Mapping, rules: AccessRules) -> bool:
    """Whether ``rules`` let this person use the desk: their address, its domain, or one of their groups.

    An address the provider says is not verified counts for nothing, so that
    no one can claim a clinic's address at a provider that does not check it.
    """
    email = email_of(user)
    if email is not None and user.get("email_verified") is not False and (
            email in rules.emails or email.rpartition("@")[2] in rules.domains):
        return True
    groups = user.get(rules.groups_claim)
    groups = [groups] if isinstance(groups, str) else groups
    return isinstance(groups, list) and any(str(g).strip().lower() in rules.groups for g in groups)


def signed_in_at(user: Mapping) -> float | None:
    """When the provider issued this sign-in (the ID token's ``iat``, seconds since the epoch)."""
    value = user.get("iat")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def session_over(user: Mapping, rules: AccessRules, now: float | None = None) -> bool:
    """Whether this sign-in is older than ``rules.session_hours`` (or cannot tell when it began)."""
    began = signed_in_at(user)
    now = time.time() if now is None else now
    return began is None or now - began > rules.session_hours * 3600


# ------------------------------------------------------------------ telling the operator


_reported: set[str] = set()
_reported_lock = threading.Lock()


def report(problem: str, level: int = logging.ERROR) -> None:
    """Log ``problem`` for the operator, once per process (the page reruns often; the log says it once)."""
    with _reported_lock:
        if problem in _reported:
            return
        _reported.add(problem)
    _LOG.log(level, "Staff sign-in is not available: %s", problem)


def forget_reports(prefix: str) -> None:
    """Let problems starting with ``prefix`` be reported again (the provider answered since)."""
    with _reported_lock:
        for problem in [p for p in _reported if p.startswith(prefix)]:
            _reported.discard(problem)


# ------------------------------------------------------------------ is the provider there?


UNREACHABLE = "the identity provider"  # how every "provider not answering" problem begins (forget_reports)


@dataclass
class _Probe:
    at: float
    kind: str = ""  # "", "down" (no answer, or a failing one) or "misconfigured" (an answer that is not metadata)
    problem: str = ""


@dataclass
class ProviderCheck:
    """Fetches each provider's metadata, at most every ``ok_ttl_s`` (answered) or ``fail_ttl_s`` (not answered).

    Only the call-centre page asks, so patients' pages never wait on the provider.
    """

    timeout_s: float = 3.0
    ok_ttl_s: float = 60.0
    fail_ttl_s: float = 10.0
    _probes: dict[str, _Probe] = field(default_factory=dict)
    _ever_ok: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def problem(self, provider: Provider, fresh: bool = False) -> tuple[str, str] | None:
        """None if the provider answers; else (kind, operator's sentence), kind ``down`` or ``misconfigured``.

        ``fresh``: ask now, whatever was last heard (a sign-in just failed to start).
        """
        url = provider.metadata_url
        now = time.monotonic()
        with self._lock:
            probe = self._probes.get(url)
        if fresh or probe is None or now - probe.at > (self.fail_ttl_s if probe.kind else self.ok_ttl_s):
            probe = self._fetch(url, now)
            with self._lock:
                self._probes[url] = probe
                if not probe.kind:
                    self._ever_ok.add(url)
        return (probe.kind, probe.problem) if probe.kind else None

    def _fetch(self, url: str, now: float) -> _Probe:
        import httpx

        try:
            response = httpx.get(url, timeout=self.timeout_s, follow_redirects=True)
        except httpx.HTTPError as exc:
            if url in self._ever_ok:
                return _Probe(now, "down", f"{UNREACHABLE} stopped answering at {url} ({type(exc).__name__}); "
                                           f"staff are asked to try again shortly.")
            return _Probe(now, "down", f"{UNREACHABLE} does not answer at server_metadata_url {url} "
                                       f"({type(exc).__name__}): if it is up, check that address in [{AUTH_SECTION}].")
        if response.status_code >= 500:
            return _Probe(now, "down", f"{UNREACHABLE} is failing: HTTP {response.status_code} from {url}; staff "
                                       f"are asked to try again shortly.")
        try:
            metadata = response.json() if response.status_code == 200 else None
        except ValueError:
            metadata = None
        if not isinstance(metadata, dict) or not all(metadata.get(k) for k in ("issuer", "authorization_endpoint",
                                                                               "token_endpoint", "jwks_uri")):
            return _Probe(now, "misconfigured", f"[{AUTH_SECTION}] server_metadata_url {url} answered HTTP "
                                                f"{response.status_code} without OpenID metadata: it should be the "
                                                f"provider's /.well-known/openid-configuration address.")
        return _Probe(now)


PROVIDERS = ProviderCheck()


def hours_text(hours: float) -> str:
    """``10 hours``, ``1 hour``, ``7.5 hours``."""
    return f"{hours:g} hour{'' if hours == 1 else 's'}"
