"""The session's test servers answer, and each test gets a clean slate on them."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
import redis

from tests.conftest import PROJECT_ROOT


def test_postgres_fixture_gives_a_fresh_database_that_answers_queries(postgres_dsn):
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        tables = conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
        conn.execute("create table marker (id int)")
    assert tables == (0,)


def test_postgres_databases_of_two_tests_are_separate(postgres_server):
    first, second = postgres_server.create_database(), postgres_server.create_database()
    try:
        with psycopg.connect(first) as conn:
            conn.execute("create table only_here (id int)")
        with psycopg.connect(second) as conn:
            seen = conn.execute("select to_regclass('only_here')").fetchone()
    finally:
        postgres_server.drop_database(first)
        postgres_server.drop_database(second)
    assert seen == (None,)


def test_redis_fixture_pings_and_starts_each_test_empty(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.ping()
        assert client.dbsize() == 0
        client.set("left-behind", "1")  # the next test's flush must remove it
    finally:
        client.close()


def test_redis_fixture_flushes_what_an_earlier_test_left(redis_url):
    with redis.Redis.from_url(redis_url) as client:
        assert client.get("left-behind") is None


@pytest.mark.parametrize(("require", "outcome"), [("", "1 skipped"), ("1", "1 error")])
def test_a_missing_server_skips_locally_but_fails_in_ci(require, outcome, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path), "FRAMEPILOT_REQUIRE_SERVERS": require}  # no redis-server
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_servers.py::test_redis_fixture_pings_and_starts_each_test_empty",
         "-q", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert outcome in proc.stdout, proc.stdout[-2000:]
