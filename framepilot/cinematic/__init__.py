"""The local cinematic reading of a shot: scale, composition, exposure, movement, loudness, pace.

Each module measures one thing on plain inputs (a BGR frame, motion samples, a WAV file,
transcript words) and returns a typed result; `providers.local.shot_analyser` puts them
together. mediapipe is imported lazily inside `scale`, so importing this package is cheap.
"""
