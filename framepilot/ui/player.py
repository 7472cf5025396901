"""The Review page's player: its box from the video's own aspect (so it fits before the file has
loaded), and a seek to an exact time. Streamlit's `st.video(start_time=...)` takes whole seconds
only, so a click on a word at 4.37 s would play from 4 s; the page also runs `seek_script`, which
sets the player's `currentTime` to the exact second and plays. Pure text (no Streamlit).
"""

from __future__ import annotations

import json

PLAYER_KEY = "review_player"  # the container's key: Streamlit gives it the class st-key-review_player


def player_style(width: int | None, height: int | None) -> str:
    """The player as wide as its column allows, and no taller than the stage (see ui.stage)."""
    if not width or not height:
        return ""
    return (f"<style>.st-key-{PLAYER_KEY} video {{ aspect-ratio: {width} / {height}; height: auto; "
            f"width: min(100%, calc(var(--fp-stage-h) * {width} / {height})) !important; }}</style>")


def seek_script(seconds: float, nonce: int) -> str:
    """Start the page's first player at `seconds` exactly (the nonce makes each seek new, so the
    browser runs it again for a second click on the same time)."""
    return f"""<script data-seek="{nonce}">
(function () {{
  const t = {json.dumps(round(float(seconds), 3))};
  const go = (v) => {{ v.currentTime = t; const p = v.play(); if (p) p.catch(() => {{}}); }};
  const find = (tries) => {{
    const v = document.querySelector('.st-key-{PLAYER_KEY} video');
    if (!v) {{ if (tries > 0) setTimeout(() => find(tries - 1), 100); return; }}
    if (v.readyState >= 1) setTimeout(() => go(v), 50);
    else v.addEventListener('loadedmetadata', () => go(v), {{ once: true }});
  }};
  find(30);
}})();
</script>"""
