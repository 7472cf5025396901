"""Presigned media URLs (S3) cannot be revoked by signing out, so they are short-lived: an
upload's URL for the review page expires within 10 minutes (it was an hour)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

from framepilot.services.ingest import ingest_upload
from framepilot.services.media import browser_source
from framepilot.settings import get_settings
from framepilot.store import open_database


def test_a_review_pages_media_url_expires_within_ten_minutes(s3_backend, user_a):
    settings = get_settings()
    db = open_database(settings)
    video = ingest_upload(db, settings, user_a, "clip.mp4", io.BytesIO(b"\x00\x00\x00\x18ftypmp42 bytes")).video

    url = browser_source(settings, video.stored_path)

    assert url.startswith("http") and int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0]) <= 600
