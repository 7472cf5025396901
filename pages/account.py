"""Your account: personal API tokens for scripts, shortcuts and watch folders."""

from datetime import datetime, timezone

import streamlit as st

from framepilot.auth import tokens
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.safe_text import escape_markdown
from pages.account_password import password_form
from pages.common import database, require_user

NEW_SECRET_KEY = "account_new_secret"  # (name, token) of the token created on the last run
EXPIRY_CHOICES = {30: "in 30 days", 90: "in 90 days", 365: "in a year", None: "never"}

user = require_user()
db, settings = database(), get_settings()
st.title(":material/key: Account")
st.caption(f"Signed in as {escape_markdown(user.email)}")
password_form(user)

st.subheader("API tokens")
st.write(
    "A token lets a script, a phone shortcut or a watch folder use FramePilot's HTTP API as you: "
    f"upload, follow jobs and fetch results. The API documentation is at "
    f"`http://{settings.host}:{settings.api_port}/api/docs`."
)

with st.form("account_new_token", clear_on_submit=True, border=True):
    name_col, expiry_col = st.columns([3, 1])
    name = name_col.text_input("Name", placeholder="What will use it, e.g. “phone shortcut”", key="account_token_name")
    expiry = expiry_col.selectbox("Expires", list(EXPIRY_CHOICES), format_func=EXPIRY_CHOICES.get, index=1,
                                  key="account_token_expiry")
    if st.form_submit_button("Create token", icon=":material/add:", type="primary"):
        try:
            created = tokens.create_token(db, user, name, expiry)
        except tokens.TokenError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            st.session_state[NEW_SECRET_KEY] = (created.token.name, created.secret)

new_secret = st.session_state.pop(NEW_SECRET_KEY, None)  # shown on this run only
if new_secret:
    st.success(f"Token “{new_secret[0]}” created. Copy it now: it is not shown again.", icon=":material/key:")
    st.code(new_secret[1], language=None)
    st.caption("Send it as `Authorization: Bearer <token>`.")


REVOKE_ASKED = "account_revoke_asked"  # the token whose revocation awaits a second click


def ask_revoke(token_id: str | None) -> None:
    st.session_state[REVOKE_ASKED] = token_id


def revoke(token_id: str) -> None:
    st.session_state[REVOKE_ASKED] = None
    try:
        tokens.revoke_token(db, user, token_id)
    except repo.NotFound:
        st.toast("That token no longer exists.", icon=":material/info:")


now = datetime.now(timezone.utc)
existing = tokens.list_tokens(db, user)
if not existing:
    st.info("No tokens yet.", icon=":material/key_off:")
for token in existing:
    state = token.state(now)
    with st.container(border=True):
        info, action = st.columns([5, 1], vertical_alignment="center")
        colour = {"active": "green", "expired": "gray", "revoked": "red"}[state]
        info.markdown(f"**{token.name}** `{token.hint}…` :{colour}-badge[{state}]")
        info.caption(
            f"Created {token.created_at:%Y-%m-%d %H:%M} · "
            f"expires {f'{token.expires_at:%Y-%m-%d %H:%M}' if token.expires_at else 'never'} · "
            f"last used {f'{token.last_used_at:%Y-%m-%d %H:%M}' if token.last_used_at else 'never'} (UTC)"
        )
        if state == "active" and st.session_state.get(REVOKE_ASKED) == token.id:
            info.warning("Revoke this token? Whatever uses it stops working at once. This can't be undone.",
                         icon=":material/warning:")
            action.button("Revoke for good", icon=":material/block:", key=f"account_revoke_confirm_{token.id}",
                          type="primary", on_click=revoke, args=(token.id,))
            action.button("Keep it", key=f"account_revoke_cancel_{token.id}", on_click=ask_revoke, args=(None,))
        elif state == "active":
            action.button("Revoke", icon=":material/block:", key=f"account_revoke_{token.id}",
                          on_click=ask_revoke, args=(token.id,))
