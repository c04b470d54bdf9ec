"""Signing a token out: its holder ends it before it expires."""

from django.http import HttpRequest
from ninja import Router, Schema

from exercise import access
from gateway.auth import BearerToken, bearer_token
from gateway.player_tokens import player_tokens

router = Router(tags=["auth"])


class RevokedOut(Schema):
    revoked: bool


@router.post("/auth/revoke", auth=BearerToken(), response=RevokedOut, summary="End the token this request carries, now")
def revoke(request: HttpRequest) -> dict[str, bool]:
    token = bearer_token(request)
    player_tokens.forget(token)
    return {"revoked": access.revoke_token(token)}
