"""One name per AI step for both providers: what they record, and how migration 0004 renames
the rows stored before, so the Costs page shows each step once."""

import sqlite3

import pytest

from framepilot.models import DirectorMode, Operation
from framepilot.providers.local.director import LocalDirector
from framepilot.providers.local.voice import LocalVoice
from framepilot.providers.openai.director import OpenAIDirector
from framepilot.providers.openai.voice import OpenAIVoice
from framepilot.services import accounts
from framepilot.store import open_database
from framepilot.store import repository as repo
from framepilot.store import sqlite as sqlite_store
from framepilot.usage import analytics
from framepilot.usage.metering import CallContext
from testkit import openai_samples as samples
from testkit.fake_openai import fake_settings

# (provider, model, operation as written before 0004, prompt_version, cost_usd)
OLD_ROWS = [
    ("local", "rules", "direct:scene_director", "rules-scene-1", 0.0),
    ("openai", "gpt-4o-mini", "direct.scene_director", "scene-1", 0.004),
    ("openai", "gpt-4o-mini", "direct.scene_director.repair", "scene-1", 0.002),
    ("local", "rules", "direct:full_rewrite", "rules-full-1", 0.0),
    ("openai", "gpt-4o-mini", "direct.full_rewrite", "full-1", 0.01),
    ("local", "hibari-tts-0.2.1", "tts", None, 0.0),
    ("openai", "tts-1", "synthesise", None, 0.03),
    ("local", "whisper-base", "transcribe", None, 0.0),
    ("openai", "gpt-4o", "analyse_shots", "shots-1", 0.05),
]


@pytest.fixture
def store_from_before_0004(settings, monkeypatch):
    """A store migrated up to 0003 holding calls under the old names; returns (path, user)."""
    every_migration = sqlite_store.iter_migrations
    monkeypatch.setattr(sqlite_store, "iter_migrations",
                        lambda dialect: [m for m in every_migration(dialect) if m[0] < 4])
    old = open_database(settings)
    user = accounts.add_user(old, "alice@example.com", "correct horse battery")
    with sqlite3.connect(old.path) as conn:  # raw SQL: today's LLMCall refuses these names
        conn.executemany(
            "INSERT INTO llm_calls(user_id, provider, model, operation, prompt_version, cost_usd)"
            " VALUES (?, ?, ?, ?, ?, ?)", [(user.id, *row) for row in OLD_ROWS])
    monkeypatch.setattr(sqlite_store, "iter_migrations", every_migration)
    return old, user


def test_migration_0004_gives_old_rows_the_shared_operation_names(settings, store_from_before_0004):
    _, user = store_from_before_0004

    db = open_database(settings)  # applies 0004

    calls = repo.list_llm_calls(db, user)
    assert [(c.provider, c.operation, c.prompt_version) for c in calls] == [
        ("local", Operation.DIRECT_SCENE_DIRECTOR, "rules-scene-1"),
        ("openai", Operation.DIRECT_SCENE_DIRECTOR, "scene-1"),
        ("openai", Operation.DIRECT_SCENE_DIRECTOR, "scene-1+repair-1"),
        ("local", Operation.DIRECT_FULL_REWRITE, "rules-full-1"),
        ("openai", Operation.DIRECT_FULL_REWRITE, "full-1"),
        ("local", Operation.SYNTHESISE, None),
        ("openai", Operation.SYNTHESISE, None),
        ("local", Operation.TRANSCRIBE, None),
        ("openai", Operation.ANALYSE_SHOTS, "shots-1"),
    ]


def test_after_the_migration_the_costs_page_groups_each_step_once(settings, store_from_before_0004):
    _, user = store_from_before_0004

    db = open_database(settings)  # 0004 renames, then 0007 rolls the renamed rows up
    report = analytics.cost_report(db, settings, user, analytics.Filters())

    series = {name: sum(costs) for name, costs in report.cost_by_operation.series.items()}
    assert series == pytest.approx({
        "direct.scene_director": 0.006, "direct.full_rewrite": 0.01, "synthesise": 0.03,
        "transcribe": 0.0, "analyse_shots": 0.05,
    })
    assert set(series) <= set(Operation)


def test_both_providers_account_a_director_mode_under_the_same_operation(fake_openai):
    inputs = samples.director_inputs()
    local, remote = CallContext(), CallContext()

    LocalDirector().direct(DirectorMode.SCRIPT_REWRITE, inputs, local)
    OpenAIDirector(fake_settings(fake_openai, llm_cache=False)).direct(DirectorMode.SCRIPT_REWRITE, inputs, remote)

    assert [c.operation for c in local.calls] == [Operation.DIRECT_SCRIPT_REWRITE]
    assert [c.operation for c in remote.calls] == [Operation.DIRECT_SCRIPT_REWRITE]


def test_both_providers_account_a_voiceover_under_the_same_operation(fake_openai, settings, tmp_path):
    local, remote = CallContext(), CallContext()

    LocalVoice(settings).synthesise("Hello there.", tmp_path / "local.wav", local)
    OpenAIVoice(fake_settings(fake_openai, llm_cache=False)).synthesise("Hello there.", tmp_path / "remote.wav", remote)

    assert {c.operation for c in local.calls} == {c.operation for c in remote.calls} == {Operation.SYNTHESISE}
