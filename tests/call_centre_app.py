"""The Call centre view on its own, for tests and the bulk benchmark: what app.py's page draws."""

import streamlit as st

from components.call_centre import show_call_centre
from locator import Locator

show_call_centre(st.cache_resource(Locator.load)())
