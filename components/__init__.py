"""Streamlit drawing code for the Clinic Locator: takes plain values, draws them."""
