"""Sign-in, sessions, API tokens and the password policy."""
