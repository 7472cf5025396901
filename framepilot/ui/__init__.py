"""Presentation helpers for the Streamlit pages: view models, charts and safe text. The core never imports this package."""
