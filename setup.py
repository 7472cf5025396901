"""The one build step pyproject.toml cannot declare: an installed FramePilot carries the
Streamlit app (app.py, pages/, .streamlit/config.toml) inside the package, as
framepilot/web/streamlit_app/, so `framepilot run` serves it from site-packages and
site-packages gains no top-level `app` or `pages`. The files stay where Streamlit users
expect them in the project; framepilot/web/app_files.py finds either copy."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
APP_FILES = ("app.py", "pages/*.py", ".streamlit/config.toml")  # never .streamlit/secrets.toml
PACKAGED_APP = Path("framepilot", "web", "streamlit_app")


class BuildPyWithStreamlitApp(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install serves the checkout itself
            return
        for pattern in APP_FILES:
            for source in sorted(ROOT.glob(pattern)):
                target = Path(self.build_lib, PACKAGED_APP, source.relative_to(ROOT))
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildPyWithStreamlitApp})
