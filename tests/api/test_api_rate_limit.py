"""The API's per-token rate limit: N requests per window per token, then 429 with
Retry-After; with FRAMEPILOT_REDIS_URL, several API processes share one count."""

from __future__ import annotations

import pytest

from framepilot.api.deps import RateLimit
from framepilot.api.problems import ApiProblem
from framepilot.settings import load_settings


def _hits_until_refused(limit: RateLimit, token_id: str, tries: int = 10) -> tuple[int, ApiProblem | None]:
    for i in range(tries):
        try:
            limit.check(token_id)
        except ApiProblem as refused:
            return i, refused
    return tries, None


def test_a_token_over_its_limit_is_refused_with_retry_after_and_others_are_not(tmp_path):
    limit = RateLimit(load_settings(data_dir=tmp_path, api_rate_limit="3/minute"))

    allowed, refused = _hits_until_refused(limit, "token-a")

    assert allowed == 3
    assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _hits_until_refused(limit, "token-b")[0] == 3


def test_api_processes_sharing_redis_share_one_count(tmp_path, redis_url):  # noqa: F811
    settings = load_settings(data_dir=tmp_path, api_rate_limit="4/minute", redis_url=redis_url)
    first, second = RateLimit(settings), RateLimit(settings)

    first.check("token-a")
    first.check("token-a")
    second.check("token-a")
    second.check("token-a")

    with pytest.raises(ApiProblem) as refused:
        first.check("token-a")
    assert refused.value.status == 429


def test_the_window_moves_so_a_token_is_served_again_once_its_oldest_requests_age_out(tmp_path):
    import time

    limit = RateLimit(load_settings(data_dir=tmp_path, api_rate_limit="2/second"))
    assert _hits_until_refused(limit, "token-a")[0] == 2
    time.sleep(1.05)

    allowed, refused = _hits_until_refused(limit, "token-a")
    assert allowed == 2 and refused.headers["Retry-After"] == "1"
