"""FramePilot's Streamlit entry point: page registry and sign-in gate, and the web server.

This file is read two ways:

- imported (by `streamlit run app.py`, which `framepilot run` also uses): Streamlit finds
  `app` below, FramePilot's HTTP layer (the session-cookie routes, unknown addresses, the
  upload guard) in front of Streamlit's own routes, and serves it with uvicorn. Without that
  layer a signed-in browser would land on a blank `/_framepilot/session` page;
- run as the page script (Streamlit runs it as `__main__` on every page view): every page
  has one stable address (framepilot.web.addresses). Signed out, each of those addresses
  shows the sign-in form, which afterwards sends the browser back to the same address (and
  video). Each page also checks sign-in itself (`pages.common.require_user`), which draws the
  sidebar's account corner and sign-out.
"""

import streamlit as st

if __name__ != "__main__":
    from framepilot.web.http_layer import http_layer

    routes, middleware = http_layer()
    app = st.App(__file__, routes=routes, middleware=middleware)
else:
    from pathlib import Path

    import framepilot
    from framepilot.ui.stage import stage_style
    from framepilot.web.addresses import HOME, PAGE_ADDRESSES, SIGN_IN, return_address
    from pages.common import current_user
    from pages.sign_in_form import RETURN_KEY, sign_in_form

    # served by the app itself (no font CDN), from the package in a checkout or an install
    ICON = Path(framepilot.__file__).parent / "assets" / "icon.png"

    st.set_page_config(page_title="FramePilot", page_icon=str(ICON), layout="wide")
    st.html(stage_style())

    def _page(name: str, title: str, icon: str) -> st.Page:
        return st.Page(f"pages/{name}.py", title=title, icon=icon, url_path=PAGE_ADDRESSES[name])

    if current_user() is None:
        sign_in = st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:", url_path=SIGN_IN,
                          default=True)
        # The same form at every page's address, so a shared link survives signing in.
        elsewhere = [st.Page(sign_in_form, title="Sign in", url_path=address, visibility="hidden")
                     for address in PAGE_ADDRESSES.values() if address != SIGN_IN]
        page = st.navigation([sign_in, *elsewhere], position="hidden")
    else:
        library = _page("library", "Library", ":material/video_library:")

        def home() -> None:
            """The bare address: on to the Library, whose address then shows in the bar."""
            st.switch_page(library)

        page = st.navigation(
            {
                "Videos": [
                    _page("upload", "Upload", ":material/upload:"),
                    library,
                    _page("review", "Review", ":material/movie:"),
                    _page("compare", "Compare modes", ":material/view_column:"),
                ],
                "Work": [_page("jobs", "Jobs", ":material/work_history:")],
                "Usage": [_page("costs", "Costs & usage", ":material/payments:")],
                "Account": [_page("account", "Account", ":material/key:"),
                            st.Page(home, title="Home", url_path=HOME, default=True, visibility="hidden"),
                            st.Page(home, title="Signed in", url_path=SIGN_IN, visibility="hidden")],
            }
        )
    if page.url_path not in ("", SIGN_IN, HOME):
        # where signing in leads back to, should this page find the visitor signed out
        st.session_state[RETURN_KEY] = return_address(page.url_path, st.query_params.to_dict())
    page.run()
