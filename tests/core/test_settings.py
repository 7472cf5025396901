"""Settings: one object, clear errors, and one upload limit that reaches Streamlit."""

import subprocess
import sys
import tomllib

import pytest

from framepilot.cli.launcher import streamlit_command
from framepilot.settings import SettingsError, get_settings, load_settings
from tests.support.processes import PROJECT_ROOT


def test_defaults_are_local_provider_100mb_and_data_folder():
    s = get_settings()
    assert s.provider == "local"
    assert s.max_upload_mb == 100
    assert s.max_upload_bytes == 100 * 1024 * 1024


def test_environment_beats_dotenv_which_beats_defaults(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("FRAMEPILOT_MAX_UPLOAD_MB=42\nFRAMEPILOT_WORKERS=3\n")
    monkeypatch.setenv("FRAMEPILOT_WORKERS", "5")
    s = load_settings()
    assert s.max_upload_mb == 42  # from .env
    assert s.workers == 5  # environment wins over .env
    assert s.job_max_attempts == 3  # default


def test_openai_settings_use_their_standard_names(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real-000000")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    s = load_settings()
    assert s.openai_configured
    assert s.openai_base_url == "http://127.0.0.1:9/v1"
    assert "sk-test" not in repr(s)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FRAMEPILOT_MAX_UPLOAD_MB", "lots", "FRAMEPILOT_MAX_UPLOAD_MB"),
        ("FRAMEPILOT_MAX_UPLOAD_MB", "0", "FRAMEPILOT_MAX_UPLOAD_MB"),
        ("FRAMEPILOT_PROVIDER", "magic", "FRAMEPILOT_PROVIDER"),
        ("FRAMEPILOT_SECRET_KEY", "too-short", "FRAMEPILOT_SECRET_KEY"),
        ("FRAMEPILOT_WORKERS", "-1", "FRAMEPILOT_WORKERS"),
    ],
)
def test_invalid_setting_names_the_setting_in_one_line(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_openai_provider_without_a_key_is_refused(monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_PROVIDER", "openai")
    with pytest.raises(SettingsError, match="OPENAI_API_KEY"):
        load_settings()


def test_cli_stops_on_invalid_setting_with_one_clear_line(monkeypatch):
    env = {"PATH": "/usr/bin:/bin", "FRAMEPILOT_MAX_UPLOAD_MB": "-5", "HOME": "/tmp"}
    proc = subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "users", "list"],
        env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and "FRAMEPILOT_MAX_UPLOAD_MB" in lines[0]


def test_upload_limit_reaches_streamlit_from_the_one_setting(monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_MAX_UPLOAD_MB", "37")
    cmd = streamlit_command(load_settings())
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "37"


def test_streamlit_config_file_does_not_set_its_own_upload_limit():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert "maxUploadSize" not in config.get("server", {})
