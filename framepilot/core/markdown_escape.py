"""Untrusted text (a filename, a transcript, a model's notes) inside Markdown we write:
escaped so that it displays exactly its characters and can add no link, image, HTML or
formatting of its own. The pages use it through `framepilot.ui.safe_text`; the Markdown
export uses it directly.
"""

from __future__ import annotations

import re

# U+2060 WORD JOINER: invisible, but it splits what GitHub-flavoured Markdown would turn
# into a link by itself (`http://…`, `www.…`, `name@host.tld`). Backslash escapes are not
# enough there: the autolink pass runs on the parsed text, after escapes are resolved.
_JOINER = "\u2060"
_AUTOLINK_PARTS = re.compile(r"(?<=:)(?=/)|(?<=@)|(?<=[Ww]{3})(?=\.)")
# Markdown characters: links and images ([ ]), HTML and autolinks (< >), entities (&),
# code, emphasis, strikethrough, tables, headings and LaTeX ($); and a colon that could
# open one of Streamlit's :colour[...], :material/icon: or :emoji: shortcodes.
_MARKUP = re.compile(r"([\\`*~\[\]<>&|#${}]|:(?=[A-Za-z]))")
# An underscore between two letters or digits cannot emphasise; elsewhere it could.
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_LEADING_BLOCK_MARKER = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape_markdown(text: object) -> str:
    """`text` as inline Markdown that displays exactly its characters (whitespace collapsed
    to single spaces), with no link, image, HTML or formatting of its own."""
    value = " ".join(str(text).split())
    value = _AUTOLINK_PARTS.sub(_JOINER, value)
    value = _MARKUP.sub(r"\\\1", value)
    value = _LOOSE_UNDERSCORE.sub(r"\\_", value)
    return _LEADING_BLOCK_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", value)
