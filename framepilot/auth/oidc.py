"""Identity-provider sign-in: which local account an OIDC identity is.

An identity is its provider's (`iss`, `sub`) pair, never its email: emails can be
changed, recycled or unverified at the provider. The first time an identity arrives,
it is linked to the local account with the same email only if the provider says that
email is verified, and only if that account has no identity at this provider yet.
Accounts are never created implicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from framepilot.core.logs import get_logger
from framepilot.models import User
from framepilot.store import Database
from framepilot.store import repository as repo


class OidcClaims(BaseModel):
    model_config = ConfigDict(frozen=True)

    issuer: str
    subject: str
    email: str | None = None
    email_verified: bool = False

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> OidcClaims | None:
        """From ID-token claims; None without an issuer and subject."""
        issuer, subject = claims.get("iss"), claims.get("sub")
        if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
            return None
        verified = claims.get("email_verified")
        email = claims.get("email")
        return cls(issuer=issuer, subject=subject, email=email if isinstance(email, str) else None,
                   email_verified=verified is True or (isinstance(verified, str) and verified.lower() == "true"))


def resolve_identity(db: Database, claims: OidcClaims) -> User | None:
    """The enabled local account for this identity, linking it by verified email the first time."""
    user = repo.user_for_identity(db, claims.issuer, claims.subject)
    if user is None and claims.email and claims.email_verified:
        found = repo.user_credentials(db, claims.email)
        if found is not None and repo.link_identity(db, found[0], claims.issuer, claims.subject):
            user = found[0]
            get_logger(component="oidc").info("auth.identity_linked", user_id=user.id)
    return user if user is not None and not user.disabled else None
