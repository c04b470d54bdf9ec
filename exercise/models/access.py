"""API tokens for staff users and players; only a hash of each is stored, and each one
expires (settings STAFF_TOKEN_LIFETIME, PLAYER_TOKEN_LIFETIME) or can be revoked."""

import hashlib

from django.conf import settings
from django.db import models


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    player = models.ForeignKey(
        "exercise.Player", null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="The token is refused from this moment on.")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Set when revoked; refused from then on.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, player__isnull=True)
                | models.Q(user__isnull=True, player__isnull=False),
                name="token_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"token for {self.user or self.player}"
