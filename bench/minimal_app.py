"""The speed benchmark's floor: the smallest Streamlit app that round-trips a postcode.

One keyed text input echoed back with st.write. Whatever the real app costs beyond this
is the app's own overhead; this is what Streamlit itself costs.
"""

import streamlit as st

postcode = st.text_input("Postcode", key="postcode")
if postcode:
    st.write(f"You typed: {postcode}")
