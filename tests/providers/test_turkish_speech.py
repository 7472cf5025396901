"""Turkish speech through the local transcriber, spoken by espeak-ng's Turkish voice.

espeak-ng (Debian's package) is not a project dependency: every test here skips cleanly when
it is missing. Its voice is robotic, so these tests check behaviour (clear speech is never
"no speech"; the language can be set), not accuracy; bench/eval_turkish.py measures the WER.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]

# Whisper base hears this line from espeak-ng as Czech with an average log-probability near -2
# while sure it is speech (no_speech_prob about 0.2): it used to come back as "no speech".
LINE = "Kamerayı göz hizasına koyun ve doğrudan merceğe bakın."


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("turkish_speech_data"))


@pytest.fixture(scope="module")
def turkish_wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("turkish") / "line.wav"
    subprocess.run(["espeak-ng", "-v", "tr", "-s", "150", "-w", str(path), LINE], check=True, capture_output=True)
    return path


def test_clear_speech_read_with_low_confidence_still_comes_back_as_words(settings, turkish_wav):
    transcript = LocalTranscriber(settings).transcribe(turkish_wav, CallContext())

    assert transcript.no_speech is False
    assert transcript.text.strip() and transcript.segments and transcript.language


def test_the_language_can_be_set_and_then_turkish_words_come_back(settings, turkish_wav):
    transcript = LocalTranscriber(settings, language="tr").transcribe(turkish_wav, CallContext())

    assert transcript.no_speech is False
    assert transcript.language == "tr"
    words = {w.word.strip(".,").lower() for s in transcript.segments for w in s.words}
    assert words & {"göz", "koyun", "ve", "bakın", "merceğe", "doğrudan", "kamerayı"}
