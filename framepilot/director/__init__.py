"""The local director: a rules engine grounded in measurements, one module per mode.

No packaged LLM writes useful director notes offline (see FIELD-NOTES), so `scene_rules`,
`script_rewrite` and `full_rewrite` turn the transcript's word timings and the shots'
measurements into the same `DirectorResult` the openai director returns. English, and
Turkish for Turkish transcripts (see `language`).
"""
