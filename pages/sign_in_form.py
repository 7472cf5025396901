"""Sign in with a local account, or with the identity provider when OIDC is configured.

Shown at every page's address while signed out: a right password leads to the web layer's
session route, which sets the session cookie and sends the browser back to the address the
person came for (page and video), never elsewhere (framepilot.web.addresses.safe_return).
"""

import streamlit as st

from framepilot.services.accounts import LOGIN_FAILED, lockout_message, sign_in
from pages.common import (
    client_address,
    database,
    oidc_configured,
    oidc_user,
    start_session,
)

RETURN_KEY = "signin_return_to"  # set by app.py: the page (and video) this visit was for


def _here() -> str:
    """The address (and ?video=) this visit was for, to come back to after signing in."""
    return st.session_state.get(RETURN_KEY) or "/"


def sign_in_form() -> None:
    st.title(":material/movie: FramePilot")
    st.caption("Your AI video director for talk-to-camera clips.")
    back_to = _here()

    with st.form("signin_form"):
        email = st.text_input("Email", key="signin_email", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

    if submitted:
        result = sign_in(database(), email, password, client=client_address())
        if result.user is not None:
            start_session(result.user, back_to)
        st.error(lockout_message(result.retry_after_s) if result.locked else LOGIN_FAILED, icon=":material/lock:")

    if oidc_configured():
        st.divider()
        if st.user.get("is_logged_in"):
            user = oidc_user()
            if user is not None:
                start_session(user, back_to)
            st.warning("You are signed in with your identity provider, but no FramePilot account is linked "
                       "to it. Ask an administrator to add one for your verified email.",
                       icon=":material/person_off:")
            if st.button("Sign out", icon=":material/logout:", key="signin_oidc_logout"):
                st.logout()
        elif st.button("Sign in with your organisation", icon=":material/badge:", key="signin_oidc"):
            st.login()
