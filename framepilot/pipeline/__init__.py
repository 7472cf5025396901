"""The analysis pipeline's media stages: probe, audio, shots (and the voiceover preview).

Each stage is a function that takes a path and typed input and returns a pydantic model
from framepilot.models; the service runs them in order. Import the stage modules directly
(framepilot.pipeline.probe, .audio, .shots) so that loading one does not load the others.
Every stage opens media through media_input.py: allow-listed demuxers, the file protocol only.
"""
