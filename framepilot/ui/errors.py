"""How a page words an error: the error family's own message (`framepilot.errors.user_message`,
the words the API's problem responses and the command line give for it too), made safe for
Markdown. Pages catch `FramePilotError` and call this; they never pick words per error class."""

from __future__ import annotations

from framepilot.errors import user_message
from framepilot.ui.safe_text import escape_markdown


def error_text(exc: BaseException) -> str:
    """What the page shows for `exc` (st.error, st.toast)."""
    return escape_markdown(user_message(exc))
