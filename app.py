"""FramePilot's Streamlit entry point: page registry and sign-in gate, and the web server.

This file is read two ways:

- imported (by `streamlit run app.py`, which `framepilot run` also uses): Streamlit finds
  `app` below, FramePilot's HTTP layer (the session-cookie routes, the upload guard) in
  front of Streamlit's own routes, and serves it with uvicorn. Without that layer a
  signed-in browser would land on a blank `/_framepilot/session` page;
- run as the page script (Streamlit runs it as `__main__` on every page view): signed
  out, the only page is the sign-in page; each page also checks sign-in itself
  (`pages.common.require_user`), which draws the sidebar's account corner and sign-out.
"""

import streamlit as st

if __name__ != "__main__":
    from framepilot.web.http_layer import http_layer

    routes, middleware = http_layer()
    app = st.App(__file__, routes=routes, middleware=middleware)
else:
    from pages.common import current_user

    st.set_page_config(page_title="FramePilot", page_icon=":material/movie:", layout="wide")

    if current_user() is None:
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
    page.run()
