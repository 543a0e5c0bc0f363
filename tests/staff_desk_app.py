"""The staff sign-in on its own, for tests: app.py's Call centre page with a stand-in for the desk."""

import streamlit as st

from components.staff_sign_in import staff_signed_in

st.title("Call centre", anchor=False)
if staff_signed_in() is not None:
    st.text_input("Your postcode or town")
