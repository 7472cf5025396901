"""Sign in with a local account, or with the identity provider when OIDC is configured."""

import streamlit as st

from framepilot.accounts import LOGIN_FAILED, authenticate
from pages.common import database, oidc_configured, sign_in

st.title(":material/movie: FramePilot")
st.caption("Your AI video director for talk-to-camera clips.")

with st.form("signin_form"):
    email = st.text_input("Email", key="signin_email")
    password = st.text_input("Password", type="password", key="signin_password")
    submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

if submitted:
    user = authenticate(database(), email, password)
    if user is None:
        st.error(LOGIN_FAILED, icon=":material/lock:")
    else:
        sign_in(user)
        st.rerun()

if oidc_configured():
    st.divider()
    if st.user.get("is_logged_in"):
        st.warning("You are signed in with your identity provider, but there is no FramePilot "
                   "account for that email. Ask an administrator to add one.", icon=":material/person_off:")
        if st.button("Sign out", icon=":material/logout:", key="signin_oidc_logout"):
            st.logout()
    else:
        if st.button("Sign in with your organisation", icon=":material/badge:", key="signin_oidc"):
            st.login()
