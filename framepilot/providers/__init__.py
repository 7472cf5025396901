"""AI providers: one protocol per AI step (see `base`), a `local` and an `openai` implementation each."""
