"""Sign in with a local account."""

import streamlit as st

from framepilot.accounts import LOGIN_FAILED, authenticate
from pages.common import database, sign_in

st.title(":material/movie: FramePilot")
st.caption("Your AI video director for talk-to-camera clips.")

with st.form("signin_form"):
    email = st.text_input("Email", key="signin_email")
    password = st.text_input("Password", type="password", key="signin_password")
    submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

if submitted:
    user = authenticate(database(), email, password)
    if user is None:
        st.error(LOGIN_FAILED)
    else:
        sign_in(user)
        st.rerun()
