"""The Account page's password change: the current password, the new one twice. The accounts
service checks the new password against the policy and ends every session (and whatever else
the hardening rules revoke); this browser then gets a fresh session, so it stays signed in."""

from __future__ import annotations

import streamlit as st

from framepilot.errors import user_message
from framepilot.models import User
from framepilot.services import accounts
from pages.common import client_address, database, start_session


def password_form(user: User) -> None:
    st.subheader("Password")
    if st.query_params.get("changed") == "password":  # back from the new session's route
        del st.query_params["changed"]
        st.success("Password changed. Every other sign-in of yours has ended.", icon=":material/lock_reset:")
    with st.form("account_password", clear_on_submit=True, border=True):
        current = st.text_input("Current password", type="password", key="account_password_current",
                                autocomplete="current-password")
        new = st.text_input("New password", type="password", key="account_password_new", autocomplete="new-password")
        again = st.text_input("New password again", type="password", key="account_password_again",
                              autocomplete="new-password")
        if not st.form_submit_button("Change password", icon=":material/lock_reset:"):
            return
    db = database()
    if new != again:
        st.error("The two new passwords differ. Type the same one twice.", icon=":material/error:")
    elif accounts.authenticate(db, user.email, current, client=client_address()) is None:
        st.error("The current password is not right.", icon=":material/lock:")
    else:
        try:
            changed = accounts.change_password(db, user.email, new)
        except accounts.AccountError as exc:
            st.error(user_message(exc), icon=":material/error:")
            return
        start_session(changed, "/account?changed=password")
