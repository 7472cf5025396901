"""Streamlit alone on app.py, without FramePilot's HTTP layer: the "before" baseline of
bench/bench_uploads.py. `streamlit run app.py` would find app.py's `st.App` and serve the
layer too, so this starts Streamlit's classic server on the script directly.

    python -m testkit.bare_streamlit APP.PY PORT MAX_UPLOAD_MB
"""

from __future__ import annotations

import sys

from streamlit import config
from streamlit.web import bootstrap


def main(script: str, port: int, max_upload_mb: int) -> None:
    flags = {"server.address": "127.0.0.1", "server.port": port, "server.maxUploadSize": max_upload_mb,
             "server.headless": True, "browser.gatherUsageStats": False}
    config._main_script_path = script  # noqa: SLF001 - what `streamlit run` sets before reading config
    bootstrap.load_config_options(flag_options=flags)
    bootstrap.run(script, False, [], flags)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
