"""It runs when installed: a wheel of this checkout, installed into a fresh venv, serves the
app with `framepilot run` from a folder outside the checkout, the Streamlit app coming from
inside the package (framepilot/web/streamlit_app/, copied there by setup.py).

The venv borrows this environment's locked dependencies through a .pth line and installs only
FramePilot itself (`--no-deps`): installing the whole lock offline takes minutes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from testkit.servers import CHROMIUM, require_browser
from testkit.web_server import WebServer
from tests.support.processes import PROJECT_ROOT

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _outside_checkout_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the venv it is installed in)."""
    root = tmp_path_factory.mktemp("installed")
    env = _outside_checkout_env()
    # Built from a copy: setuptools leaves build/ in the folder it builds in, and a stale build/lib
    # would carry files since deleted into the next wheel.
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "data", "build", "*.egg-info", "__pycache__", ".pytest_cache", "test-artifacts",
        "bench", "tests", "testkit"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "wheels"),
                    str(source)], check=True, cwd=root, env=env, timeout=300)
    wheel = next((root / "wheels").glob("framepilot-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "borrowed_dependencies.pth").write_text("".join(f"{path}\n" for path in borrowed))
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                    str(wheel)], check=True, cwd=root, env=env, timeout=300)
    return wheel, venv


def test_the_wheel_carries_the_streamlit_app_inside_the_package_and_no_generic_top_level_names(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"framepilot", "jobs"}  # no `app`, `pages` or `asgi` in site-packages
    for shipped in ("app.py", "pages/sign_in.py", "pages/common.py", "pages/review.py", ".streamlit/config.toml"):
        assert f"framepilot/web/streamlit_app/{shipped}" in names
    assert not [name for name in names if "secrets" in name]
    assert "framepilot/store/migrations/sqlite/0001_initial.sql" in names


def test_framepilot_run_from_an_installed_package_serves_the_sign_in_page(installed, tmp_path):
    _, venv = installed
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import framepilot.web.app_files as f; print(f.main_script())"], cwd=outside, env=_outside_checkout_env(),
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv) and where.endswith("framepilot/web/streamlit_app/app.py")

    require_browser()
    from playwright.sync_api import expect, sync_playwright

    with WebServer(outside / "data", app="launcher", framepilot=venv / "bin" / "framepilot") as server:
        assert Path(server.proc.args[0]).is_relative_to(venv) and server.cwd == outside
        assert httpx.get(server.url, timeout=30).status_code == 200
        stale = httpx.get(f"{server.url}/_framepilot/session?code=stale", timeout=30)
        # FramePilot's layer is in front: a code from no signed-in browser is refused with its page
        assert stale.status_code == 403 and "Nobody was signed in" in stale.text
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                page = browser.new_page()
                page.goto(server.url)
                expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=60_000)
                expect(page.get_by_role("button", name=re.compile(r"\bSign in$"))).to_be_visible()
            finally:
                browser.close()
