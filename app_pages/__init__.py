"""The app's pages, one module each; ``app.py`` puts them in its navigation.

Not named ``pages``: Streamlit would read a ``pages/`` folder beside the entry
file as pages of its older, folder-based navigation.
"""
