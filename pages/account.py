"""Your account: your limits (quotas), and personal API tokens for scripts, shortcuts and watch folders."""

from datetime import datetime, timezone

import streamlit as st

from framepilot.auth import tokens
from framepilot.errors import FramePilotError
from framepilot.services import accounts, quotas
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.errors import error_text
from framepilot.ui.safe_text import escape_markdown
from pages.account_password import password_form
from pages.common import client_address, database, require_user

NEW_SECRET_KEY = "account_new_secret"  # (name, token) of the token created on the last run
EXPIRY_CHOICES = {30: "in 30 days", 90: "in 90 days", 365: "in a year", None: "never"}

user = require_user()
db, settings = database(), get_settings()
st.title(":material/key: Account")
st.caption(f"Signed in as {escape_markdown(user.email)}")
password_form(user)

st.subheader("Your limits")
st.caption("Set by your administrator. Uploads, jobs and tokens past a limit are refused with a message naming it.")
st.dataframe(
    [{"Limit": label, "In use": "–" if used is None else f"{used:,}", "Allowed": f"{limit:,}"}
     for _, label, used, limit, _ in quotas.overview(db, settings, user)],
    hide_index=True, key="account_limits",
)

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
    password = st.text_input("Your password", type="password", key="account_token_password",
                             help="A token outlives this session, so making one asks for your password again.")
    if st.form_submit_button("Create token", icon=":material/add:", type="primary"):
        try:
            created = accounts.create_api_token(db, user, password, name, expiry, client=client_address())
        except FramePilotError as exc:  # wrong password, a bad name, the token quota
            st.error(error_text(exc), icon=":material/error:")
        else:
            st.session_state[NEW_SECRET_KEY] = (created.token.name, created.secret)

new_secret = st.session_state.pop(NEW_SECRET_KEY, None)  # shown on this run only
if new_secret:
    st.success("Token created. Copy it now: it is not shown again.", icon=":material/key:")
    st.text(new_secret[0])  # the name as typed, never read as Markdown
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
        info.text(token.name)  # the name as typed, never read as Markdown (links, images, colours)
        info.markdown(f"`{token.hint}…` :{colour}-badge[{state}]")
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
