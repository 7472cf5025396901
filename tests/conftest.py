"""Shared fixtures: a fresh data folder, its store, and two users."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from framepilot.services import accounts
from framepilot.settings import Settings, get_settings
from framepilot.store import open_database

pytest_plugins = ["testkit.fake_openai", "testkit.servers", "tests.support.storage_fixtures"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", PROJECT_ROOT.parent / "shared" / "media"))


@pytest.fixture(scope="session")
def models_cache(tmp_path_factory) -> Path:
    """One joined copy of the packaged models for the whole session (145 MB each otherwise)."""
    return tmp_path_factory.mktemp("models-cache")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch, models_cache):
    """Each test gets its own data folder and no settings from the developer's shell."""
    for name in list(os.environ):
        if name.startswith(("FRAMEPILOT_", "AWS_")) or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRAMEPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRAMEPILOT_MODELS_CACHE_DIR", str(models_cache))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    from tests.support.page_fixtures import PAGE_PATCHES

    PAGE_PATCHES.undo()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return get_settings()


@pytest.fixture
def db(settings):
    return open_database(settings)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, monkeypatch):
    """The store on each backend: the contract tests run against both."""
    if request.param == "postgresql":
        monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", request.getfixturevalue("postgres_dsn"))
        get_settings.cache_clear()
    database = open_database(get_settings())
    yield database
    database.close()


@pytest.fixture
def user_a(db):
    return accounts.add_user(db, "alice@example.com", "correct horse battery")


@pytest.fixture
def user_b(db):
    return accounts.add_user(db, "bob@example.com", "another long password")


@pytest.fixture
def shared_media() -> Path:
    if not (SHARED_MEDIA / "ground_truth.json").exists():
        pytest.skip("../shared/media is not available on this machine")
    return SHARED_MEDIA
