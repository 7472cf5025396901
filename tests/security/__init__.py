"""Each known attack on FramePilot as a test that fails if the hole comes back."""
