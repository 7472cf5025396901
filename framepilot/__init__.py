"""FramePilot: an AI video director for short talk-to-camera videos.

The core package. It knows nothing of Streamlit; `pages/` and `app.py` call into it.
"""

__version__ = "0.1.0"
