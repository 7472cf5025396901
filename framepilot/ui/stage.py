"""The stage: how tall a player, a preview or a picture may be, so that any aspect (9:16, 1:1,
16:9) fits the window on a laptop and on a phone with its controls, and the first notes beside
(or under) it, on screen without scrolling. Streamlit sizes media by column width alone, so a
9:16 clip in a wide column was 950 px tall on a 768 px laptop; these rules cap the height and let
the width follow the picture. Pure text (CSS); `app.py` puts it on every page.
"""

from __future__ import annotations

# Streamlit stacks columns below 640 px: that is the "phone" layout here.
PHONE_MAX_WIDTH_PX = 640
# What a laptop keeps above and below the player: the page's top bar and padding, the file name
# line, and the caption under the player.
LAPTOP_CHROME_PX = 190
# On a phone the notes sit under the player, so the player takes under half the height.
PHONE_STAGE_VH = 46
PICTURE_MAX_VH = 40
THUMBNAIL_MAX_VH = 22

STAGE_CSS = f"""
:root {{ --fp-stage-h: calc(100vh - {LAPTOP_CHROME_PX}px); }}
@media (max-width: {PHONE_MAX_WIDTH_PX}px) {{ :root {{ --fp-stage-h: {PHONE_STAGE_VH}vh; }} }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; padding-bottom: 4rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 1.9rem; padding: 0 0 0.5rem 0; }}
video {{
  max-height: var(--fp-stage-h); width: auto !important; max-width: 100%;
  display: block; margin: 0 auto; background: #000;
}}
[data-testid="stImage"] img {{ max-height: {PICTURE_MAX_VH}vh; width: auto !important; max-width: 100%;
  object-fit: contain; margin: 0 auto; }}
.st-key-library_cards [data-testid="stImage"] img {{ max-height: {THUMBNAIL_MAX_VH}vh; }}
.st-key-review_notes {{ max-height: calc(100vh - {LAPTOP_CHROME_PX + 60}px); overflow-y: auto; }}
@media (max-width: {PHONE_MAX_WIDTH_PX}px) {{
  .st-key-review_notes {{ max-height: none; overflow-y: visible; }}
  [data-baseweb="tab-list"] {{ flex-wrap: wrap; row-gap: 0.25rem; }}
}}
"""


def stage_style() -> str:
    """The rules as one `<style>` block (st.html sends a style-only block to no visible place)."""
    return f"<style>{STAGE_CSS}</style>"


def stage_columns(width: int | None, height: int | None) -> list[int]:
    """Column weights for player and notes: a tall picture takes less of the row, so the notes
    get the width it cannot use."""
    if not width or not height:
        return [3, 2]
    aspect = width / height
    if aspect < 0.8:  # 9:16, 4:5
        return [2, 3]
    if aspect < 1.3:  # 1:1, 4:3
        return [1, 1]
    return [3, 2]
