"""Local (offline) implementations of the four AI steps."""
