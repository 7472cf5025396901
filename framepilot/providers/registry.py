"""Pick the four AI-step implementations for a provider name ("local" or "openai")."""

from __future__ import annotations

from framepilot.providers.base import ProviderError, Providers
from framepilot.settings import Settings

PROVIDER_NAMES = ("local", "openai")


def get_providers(name: str, settings: Settings) -> Providers:
    if name == "local":
        from framepilot.providers.local.director import LocalDirector
        from framepilot.providers.local.shot_analyser import LocalShotAnalyser
        from framepilot.providers.local.transcriber import LocalTranscriber
        from framepilot.providers.local.voice import LocalVoice

        return Providers(
            name="local",
            transcriber=LocalTranscriber(settings),
            shot_analyser=LocalShotAnalyser(settings),
            director=LocalDirector(),
            voice=LocalVoice(settings),
        )
    if name == "openai":
        if not settings.openai_configured:
            raise ProviderError(
                "The openai provider needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)."
            )
        from framepilot.providers.local.shot_analyser import LocalShotAnalyser
        from framepilot.providers.openai.director import OpenAIDirector
        from framepilot.providers.openai.shot_analyser import OpenAIShotAnalyser
        from framepilot.providers.openai.transcriber import OpenAITranscriber
        from framepilot.providers.openai.voice import OpenAIVoice

        return Providers(
            name="openai",
            transcriber=OpenAITranscriber(settings),
            shot_analyser=OpenAIShotAnalyser(settings, base=LocalShotAnalyser(settings)),
            director=OpenAIDirector(settings),
            voice=OpenAIVoice(settings),
        )
    raise ProviderError(f"Unknown provider {name!r}; choose one of {', '.join(PROVIDER_NAMES)}.")


def available_providers(settings: Settings) -> list[str]:
    return ["local", "openai"] if settings.openai_configured else ["local"]
