"""FramePilot's Streamlit entry point: page registry and sign-in gate."""

import streamlit as st

from framepilot.ui.safe_text import escape_markdown
from pages.common import current_user, sign_out

st.set_page_config(page_title="FramePilot", page_icon=":material/movie:", layout="wide")

user = current_user()
if user is None:
    page = st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:")])
else:
    page = st.navigation(
        {
            "Videos": [
                st.Page("pages/upload.py", title="Upload", icon=":material/upload:"),
                st.Page("pages/library.py", title="Library", icon=":material/video_library:", default=True),
                st.Page("pages/review.py", title="Review", icon=":material/movie:"),
                st.Page("pages/compare.py", title="Compare modes", icon=":material/view_column:"),
            ],
            "Work": [
                st.Page("pages/jobs.py", title="Jobs", icon=":material/work_history:"),
            ],
            "Usage": [st.Page("pages/costs.py", title="Costs & usage", icon=":material/payments:")],
            "Account": [st.Page("pages/account.py", title="Account", icon=":material/key:")],
        }
    )
    with st.sidebar:
        st.caption(f"Signed in as {escape_markdown(user.email)}")
        if st.button("Sign out", icon=":material/logout:", key="app_sign_out"):
            sign_out()
            st.rerun()
page.run()
