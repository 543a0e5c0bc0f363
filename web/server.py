"""What ``app.py`` hands to ``st.App``: the API's routes and the middleware, configured from the environment."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.middleware import Middleware

from locator.service import Locator
from web import metrics, nodelay, privacy, sign_in_flow, staff_oidc, staff_session
from web.api import NearestApi
from web.headers import Cors, SecurityHeaders, allowed_origins, trust_host_messages_from
from web.page_html import PageHtml
from web.plain_search import PlainSearch
from web.public_url import public_url
from web.readiness import HEALTH_THREAD, HealthPort, Readiness
from web.site_files import SiteFiles
from web.static_files import PrecompressedStatic
from web.static_trees import declared_components


def server_options(get_locator: Callable[[], Locator]) -> dict:
    """``routes`` and ``middleware`` for ``st.App``; the API answers from ``get_locator()`` (the pages' own)."""
    privacy.install()
    sign_in_flow.install_log_filter()
    logging.getLogger(_CONTEXT_LOGGER).addFilter(_not_from_api_workers)
    origins = allowed_origins(os.environ)
    trust_host_messages_from(origins)
    public = public_url(os.environ)
    api = NearestApi(get_locator)
    health = HealthPort.from_environ(get_locator, os.environ)
    return {
        "lifespan": _lifespan(health),
        "routes": [*api.routes(), *staff_session.ROUTES, *PlainSearch(get_locator, api.admission).routes(),
                   *SiteFiles(public).routes(), *metrics.routes(get_locator), *Readiness(get_locator).routes()],
        # The first is outermost: every response, the API's included, gets the security headers.
        "middleware": [Middleware(SecurityHeaders, origins=origins), Middleware(metrics.ApiRequests),
                       Middleware(Cors, origins=origins),
                       Middleware(PageHtml, get_locator=get_locator, public=public),
                       Middleware(sign_in_flow.SignInFlow, config=_sign_in_config),
                       Middleware(PrecompressedStatic)],
    }


def _sign_in_config() -> staff_oidc.SignInConfig | None:
    try:
        return staff_oidc.current_config()
    except staff_oidc.SecretsUnreadable:
        return None  # the desk page says so; Streamlit's own routes refuse a sign-in without [auth]


# Streamlit warns when its commands run outside a script run; the pages' cached locator, loaded
# first by an API request on a worker thread, starts its "Loading…" spinner there. Not a script
# run, and not a problem: only that warning, from those threads, is dropped.
_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def _not_from_api_workers(record: logging.LogRecord) -> bool:
    name = threading.current_thread().name
    return not ((name.startswith("AnyIO worker") or name == HEALTH_THREAD) and "ScriptRunContext" in record.msg)


def _lifespan(health: HealthPort | None):
    @asynccontextmanager
    async def lifespan(app) -> AsyncIterator[None]:
        if health is not None:
            health.start()  # its own port and thread: docs/adr/0020
        async with _register_components(app):
            yield

    return lifespan


@asynccontextmanager
async def _register_components(_app) -> AsyncIterator[None]:
    """Register the custom components that were declared while ``app.py`` was imported.

    A v1 component (``st_folium``) is declared when its module is imported, and
    Streamlit registers it, so that it serves the component's files, only if
    that happens during a script run. Under ``st.App`` the server imports
    ``app.py``, and with it every component module, before any script runs:
    unregistered, the map's frame would be a 404. Found by scanning the loaded
    modules, so a component added later needs nothing here.
    """
    from streamlit import runtime

    nodelay.set_on_listening_sockets()  # bound by now, not yet accepting: see web/nodelay.py
    registry = runtime.get_instance().component_registry
    for component in declared_components():
        registry.register_component(component)
    yield
