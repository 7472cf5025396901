"""Per-user quotas: limits were per token and a user could make any number of tokens. Now
every account has limits on requests, stored bytes, videos, queued jobs and tokens; an admin
sets them (`framepilot users quota`), the user sees them on the Account page, and every
refusal names the limit. Checked on the services both faces call and on the real API app."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from framepilot.api.app import create_app
from framepilot.auth import tokens
from framepilot.cli import main
from framepilot.services import accounts, quotas
from framepilot.services.ingest import ingest_upload
from framepilot.services.jobs import submit_analysis
from tests.support.page_fixtures import open_page

PASSWORD = "correct horse battery"  # user_a's, from tests/conftest.py


def store(db, settings, user, name: str, size: int = 1000):  # noqa: ANN001, ANN201
    return ingest_upload(db, settings, user, name, io.BytesIO(name.encode() + b"\0" * size)).video


def test_an_admin_sets_limits_and_the_account_page_shows_them(db, user_a, capsys):
    assert main(["users", "quota", user_a.email, "--videos", "3", "--tokens", "2"]) == 0
    printed = capsys.readouterr().out
    assert "Videos kept\t0\tof 3\tset for this account" in printed
    assert "Live API tokens\t0\tof 2\tset for this account" in printed
    assert "Jobs queued or running\t0\tof 20\tdefault" in printed

    at = open_page(user_a, "pages/account.py")
    [table] = at.dataframe
    rows = {row["Limit"]: row["Allowed"] for row in table.value.to_dict("records")}
    assert rows["Videos kept"] == "3" and rows["Live API tokens"] == "2"

    assert main(["users", "quota", user_a.email, "--videos", "default"]) == 0
    assert "Videos kept\t0\tof 500\tdefault" in capsys.readouterr().out


def test_uploads_past_the_video_or_storage_limit_are_refused_naming_it(db, settings, user_a, user_b):
    quotas.set_limits(db, user_a, videos=1)
    quotas.set_limits(db, user_b, stored_mb=1)
    store(db, settings, user_a, "first.mp4")

    with pytest.raises(quotas.QuotaExceeded, match="at most 1 videos") as videos:
        store(db, settings, user_a, "second.mp4")
    with pytest.raises(quotas.QuotaExceeded, match="past its 1 MB of uploads") as stored:
        store(db, settings, user_b, "big.mp4", size=1_500_000)

    assert (videos.value.limit, stored.value.limit) == ("videos", "stored_mb")
    assert quotas.usage_of(db, user_b).videos == 0  # nothing of the refused file was kept


def test_jobs_past_the_queued_limit_are_refused_naming_it(db, settings, user_a):
    quotas.set_limits(db, user_a, queued_jobs=1)
    first, second = store(db, settings, user_a, "a.mp4"), store(db, settings, user_a, "b.mp4")
    submit_analysis(db, settings, user_a, first.id)

    with pytest.raises(quotas.QuotaExceeded, match="1 jobs queued or running"):
        submit_analysis(db, settings, user_a, second.id)


def test_tokens_past_the_limit_are_refused_naming_it(db, user_a):
    quotas.set_limits(db, user_a, tokens=1)
    accounts.create_api_token(db, user_a, PASSWORD, "laptop")

    with pytest.raises(quotas.QuotaExceeded, match="1 live API tokens"):
        accounts.create_api_token(db, user_a, PASSWORD, "phone")


def test_the_request_limit_is_per_account_whatever_the_number_of_tokens(db, settings, user_a, user_b):
    quotas.set_limits(db, user_a, requests_per_minute=3)
    mine = [tokens.create_token(db, user_a, f"t{i}").secret for i in range(4)]
    others = tokens.create_token(db, user_b, "bob").secret
    with TestClient(create_app(settings)) as api:
        statuses = [api.get("/api/jobs", headers={"Authorization": f"Bearer {s}"}) for s in mine]
        unaffected = api.get("/api/jobs", headers={"Authorization": f"Bearer {others}"})

    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert "3 per 1 minute" in statuses[-1].json()["detail"] and unaffected.status_code == 200


def test_the_api_answers_a_quota_refusal_with_403_naming_the_limit(db, settings, user_a):
    quotas.set_limits(db, user_a, videos=0)
    secret = tokens.create_token(db, user_a, "script").secret
    with TestClient(create_app(settings)) as api:
        response = api.post("/api/videos", headers={"Authorization": f"Bearer {secret}"},
                            files={"file": ("clip.mp4", b"\0" * 1000, "video/mp4")})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:framepilot:problem:quota-videos"
    assert "at most 0 videos" in response.json()["detail"]


def test_quotas_are_kept_on_every_store_and_an_account_cannot_raise_its_own(any_db):
    from framepilot.settings import get_settings

    user = accounts.add_user(any_db, "quinn@example.com", "a long and unguessable phrase")
    quotas.set_limits(any_db, user, videos=3)
    quotas.set_limits(any_db, user, tokens=2)

    limits = quotas.limits_for(any_db, get_settings(), user)
    assert (limits.videos, limits.tokens, limits.queued_jobs) == (3, 2, 20)
    assert quotas.usage_of(any_db, user).videos == 0
    if any_db.dialect == "postgresql":  # the table is the system role's alone: the app role holds no privilege
        import psycopg

        with pytest.raises(psycopg.errors.InsufficientPrivilege), any_db.connect(user) as conn:
            conn.execute("UPDATE user_quotas SET videos = 1000 WHERE user_id = ?", (user.id,))
        assert quotas.limits_for(any_db, get_settings(), user).videos == 3
