"""Helpers only the tests use: browser and page fixtures, worker processes, storage fixtures,
hand-written transcripts."""
