"""The server beside the pages: what ``st.App`` adds to Streamlit's own (docs/adr/0006).

``staff`` (with ``staff_session``, its cookie route): who may open the call-centre desk. ``api`` (with ``openapi``): the
JSON API. ``headers``: who may frame the app and call the API. ``privacy``:
nothing personal in the logs. ``server``: the routes, middleware and lifespan
``app.py`` hands to ``st.App``. Nothing here draws a page; the pages live in
``components``.
"""
