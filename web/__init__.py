"""The server's side of the app, beside the pages: what is not drawing.

``staff``: who may open the call-centre desk. Like ``locator``, nothing here
draws a page; the pages live in ``components``.
"""
