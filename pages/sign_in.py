"""Sign in with a local account, or with the identity provider when OIDC is configured.

A right password leads to the web layer's session route, which sets the session cookie
and comes back signed in.
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

st.title(":material/movie: FramePilot")
st.caption("Your AI video director for talk-to-camera clips.")

with st.form("signin_form"):
    email = st.text_input("Email", key="signin_email")
    password = st.text_input("Password", type="password", key="signin_password")
    submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

if submitted:
    result = sign_in(database(), email, password, client=client_address())
    if result.user is not None:
        start_session(result.user)
    st.error(lockout_message(result.retry_after_s) if result.locked else LOGIN_FAILED, icon=":material/lock:")

if oidc_configured():
    st.divider()
    if st.user.get("is_logged_in"):
        user = oidc_user()
        if user is not None:
            start_session(user)
        st.warning("You are signed in with your identity provider, but no FramePilot account is linked "
                   "to it. Ask an administrator to add one for your verified email.",
                   icon=":material/person_off:")
        if st.button("Sign out", icon=":material/logout:", key="signin_oidc_logout"):
            st.logout()
    else:
        if st.button("Sign in with your organisation", icon=":material/badge:", key="signin_oidc"):
            st.login()
