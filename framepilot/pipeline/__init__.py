"""Pipeline stages: probe, audio, shots and preview; each takes typed input and returns a typed result."""
