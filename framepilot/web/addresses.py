"""Every page's stable address, and the address a signed-out visitor returns to after signing in.

The app registers its pages at these addresses (app.py); the web layer sends any other
single-segment address to the home page instead of Streamlit's "Page not found" (see
`unknown_addresses`), and the session route only ever redirects to an address built here.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

HOME = "home"
SIGN_IN = "sign-in"
PAGE_ADDRESSES: dict[str, str] = {
    "upload": "upload",
    "library": "library",
    "review": "review",
    "compare": "compare",
    "jobs": "jobs",
    "costs": "costs",
    "account": "account",
    "sign_in": SIGN_IN,
}
# Query parameters a page reads from its address (and so that survive signing in).
KEPT_QUERY = ("video", "mode", "changed")


def return_address(page: str, query: dict[str, str]) -> str:
    """'/review?video=ab12' for the page at `page` with its kept query; '/' for the sign-in page."""
    page = page.strip("/")
    if page not in PAGE_ADDRESSES.values() or page == SIGN_IN:
        return "/"
    kept = {k: str(query[k]) for k in KEPT_QUERY if query.get(k)}
    return f"/{page}" + (f"?{urlencode(kept)}" if kept else "")


def safe_return(target: str | None) -> str:
    """`target` if it is one of this app's page addresses, else '/': a sign-in link can't be
    turned into a redirect to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return return_address(parts.path, dict(parse_qsl(parts.query)))


def is_page_address(path: str) -> bool:
    """True for '/', a page's address, and anything that is not a bare page-like address
    (Streamlit's own routes, static files, the web layer's routes)."""
    segment = path.strip("/")
    if not segment or "/" in segment or "." in segment or segment.startswith(("_", "-")):
        return True
    return segment in PAGE_ADDRESSES.values() or segment in (HOME, "static", "media", "api", "component", "app", "auth", "oauth2callback")
