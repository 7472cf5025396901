"""Shared UI plumbing for pages: the cached database handle and the signed-in user."""

from __future__ import annotations

import streamlit as st

from framepilot.models import User
from framepilot.settings import get_settings
from framepilot.store import Database, open_database

USER_KEY = "auth_user"


@st.cache_resource(show_spinner=False)
def database() -> Database:
    return open_database(get_settings())


def current_user() -> User | None:
    data = st.session_state.get(USER_KEY)
    return User.model_validate(data) if data else None


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.model_dump()


def sign_out() -> None:
    st.session_state.clear()


def require_user() -> User:
    user = current_user()
    if user is None:
        st.switch_page("pages/sign_in.py")
        st.stop()
    return user
