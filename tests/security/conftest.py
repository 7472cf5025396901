"""Fixtures for the attacks: a victim (bob) with a stored video, an attacker (alice) with one."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit import media_factory as make
from tests.security.attacks import upload

VICTIM_SIZE = "96x72"
ATTACKER_SIZE = "64x48"


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("security_clips")
    return {
        "victim": make.single_shot_clip(folder / "victim.mp4", seconds=1.0, size=VICTIM_SIZE),
        "attacker": make.single_shot_clip(folder / "attacker.mp4", seconds=1.0, size=ATTACKER_SIZE, audio=False),
    }


@pytest.fixture
def victim_video(db, settings, user_b, clips):
    """Bob's private video, stored the way every upload is."""
    return upload(db, settings, user_b, "bob private.mp4", clips["victim"].read_bytes())


@pytest.fixture
def attacker_video(db, settings, user_a, clips):
    """A real clip of Alice's own: it tells her where her uploads are stored."""
    return upload(db, settings, user_a, "holiday.mp4", clips["attacker"].read_bytes())
