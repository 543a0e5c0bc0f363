"""The staff sign-in on its own, for tests: the Call centre page (app_pages/call_centre.py) with a stand-in for the desk."""

import streamlit as st

from components.staff_sign_in import staff_signed_in

st.title("Call centre", anchor=False)
if staff_signed_in() is not None:
    st.text_input("Your postcode or town")
