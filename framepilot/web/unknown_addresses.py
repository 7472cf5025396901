"""Unknown addresses go home. Streamlit answers any address with the app and then shows a
"Page not found" pop-up; a mistyped or outdated link (`/reviews`, `/settings`) is sent to the
home page instead, which opens the Library (or the sign-in form, then the Library)."""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from framepilot.web.addresses import is_page_address


class UnknownAddresses:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and not is_page_address(scope["path"]):
            await RedirectResponse("/", status_code=307)(scope, receive, send)
            return
        await self.app(scope, receive, send)
