"""Showing untrusted text: anything a user, a file or an AI model wrote (filenames,
transcripts, director notes, error messages that quote them).

Such text never reaches the page as Markdown or HTML: a hostile transcript or model reply
must not load a remote image (a tracking beacon), show a clickable link or inject markup.
Blocks of it go to `st.text`, which renders no Markdown at all. Short pieces shown inside
our own Markdown (a bold filename, a heading, an alert) go through `escape_markdown`;
labels on Plotly charts go through `chart_text`.
"""

from __future__ import annotations

import html

from framepilot.core.markdown_escape import escape_markdown

__all__ = ["chart_text", "escape_markdown"]


def chart_text(text: object) -> str:
    """`text` for a Plotly label or hover text: Plotly reads a small HTML subset there,
    including `<a href>`, so the markup characters are escaped as entities."""
    return html.escape(str(text), quote=False)
