"""The speaker's language, named at upload: stored with the video, used by Whisper, recorded
as `language_source`, and a re-run in another language transcribes again with its own cost."""

from __future__ import annotations

import pytest
from faster_whisper.tokenizer import _LANGUAGE_CODES

from framepilot.api.schemas import UploadOptions
from framepilot.models import DirectorMode, Operation
from framepilot.models.languages import WHISPER_LANGUAGES, parse_language
from framepilot.services import analysis as service
from framepilot.services.ingest import AnalysisRequest, admit, ingest_path
from framepilot.store import repository as repo
from tests.support.processes import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"


def test_every_language_offered_is_one_whisper_knows():
    assert set(WHISPER_LANGUAGES) <= set(_LANGUAGE_CODES)
    assert parse_language("auto") is None and parse_language(None) is None
    assert parse_language("TR") == "tr" and parse_language("Turkish") == "tr"
    with pytest.raises(ValueError, match="auto"):
        parse_language("klingon")


def test_the_upload_form_accepts_a_language_and_refuses_an_unknown_one():
    assert UploadOptions.model_validate({"language": "tr"}).language == "tr"
    assert UploadOptions.model_validate({"language": "auto"}).language is None
    with pytest.raises(ValueError):
        UploadOptions.model_validate({"language": "xx"})


def test_the_language_named_at_upload_is_stored_with_the_video_and_its_job(db, settings, user_a):
    ingested = ingest_path(db, settings, user_a, SAMPLE)

    admitted = admit(db, settings, user_a, ingested, AnalysisRequest(modes=(DirectorMode.SCENE_DIRECTOR,),
                                                                     language="tr"))

    assert repo.get_video(db, user_a, admitted.video.id).language == "tr"
    assert admitted.submission.job.params.language == "tr"


@pytest.mark.slow
def test_a_rerun_in_another_language_transcribes_again_and_keeps_its_cost_apart(db, settings, user_a):
    video = ingest_path(db, settings, user_a, SAMPLE).video
    modes = [DirectorMode.SCENE_DIRECTOR]
    first = service.analyse_video(db, settings, user_a, video.id, modes=modes)
    repo.set_video_language(db, user_a, video.id, "tr")

    again = service.analyse_video(db, settings, user_a, video.id, modes=modes)

    assert (first.transcript.language, first.transcript.language_source) == ("en", "detected")
    assert (again.transcript.language, again.transcript.language_source) == ("tr", "set")
    calls = [c for c in repo.list_llm_calls(db, user_a, video_id=video.id) if c.operation == Operation.TRANSCRIBE]
    assert sorted(c.prompt_version or "detected" for c in calls) == ["detected", "language=tr"]
    assert again.director["scene_director"].notes != first.director["scene_director"].notes  # notes made again
