"""Where the Streamlit app's files are (app.py, pages/, .streamlit/config.toml).

They are written at the project's top level, where Streamlit users expect them. An
installed FramePilot carries a copy inside the package, `framepilot/web/streamlit_app/`,
made at build time (setup.py), so site-packages never gains top-level `app` or `pages`
modules; in a checkout (or an editable install) that copy does not exist and the top
level itself is served.
"""

from __future__ import annotations

from pathlib import Path

from framepilot.errors import FramePilotError

PACKAGED = Path(__file__).resolve().parent / "streamlit_app"
CHECKOUT = Path(__file__).resolve().parents[2]


class AppFilesMissing(FramePilotError, RuntimeError):
    user_facing = True


def app_dir() -> Path:
    """The folder holding app.py: the packaged copy when installed, else the checkout."""
    for folder in (PACKAGED, CHECKOUT):
        if (folder / "app.py").is_file() and (folder / "pages").is_dir():
            return folder
    raise AppFilesMissing("The Streamlit app (app.py and pages/) is missing from this installation; "
                          "reinstall FramePilot.")


def main_script() -> Path:
    """The file `streamlit run` is given: app.py, which also holds the ASGI app."""
    return app_dir() / "app.py"
