"""The user's videos."""

import streamlit as st

from framepilot.store import repository as repo
from pages.common import database, require_user

user = require_user()
st.title(":material/video_library: Library")
videos = repo.list_videos(database(), user)
if not videos:
    st.info("No videos yet. Upload a clip to get your first director notes.", icon=":material/upload:")
for video in videos:
    st.write(f"**{video.filename}** · {video.status.value}")
