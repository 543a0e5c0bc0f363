"""``bin/serve``: the app as a service, HAProxy in front of N Streamlit replicas (docs/adr/0013-the-app-as-a-service.md).

``python -m serve --replicas N --port P``; the modules, in the order a start goes through them:
``options`` (the command line, checked before anything starts), ``haproxy`` (the configuration
from ``deploy/haproxy.cfg.j2``, ``haproxy -c``, the runtime API), ``replicas`` (one ``streamlit
run`` process group each) and ``supervisor`` (keeps N ready, replaces the dead and the hung,
rolls them over on SIGHUP, stops everything on SIGTERM or Ctrl-C).
"""
