"""Player tokens this process has seen lately, so that a team command need not look its
token up again (a query joining four tables: a tenth of the command's time)."""

import re
import time
from datetime import datetime
from typing import Any

from django.utils import timezone

from exercise.access import serving_token, token_owner, valid_tokens
from exercise.models import Player, Team
from exercise.models.access import hash_token
from exercise.roles import Caller, caller_for_player

# secrets.token_urlsafe(32), as exercise.access issues them.
ISSUED = re.compile(r"[A-Za-z0-9_-]{43}")


class PlayerTokens:
    """A player's token names the same player of the same team for good, so what is kept
    cannot go wrong, and is kept no longer than the token's expiry; a token revoked
    elsewhere still serves here until the entry's minute is up. Staff tokens are always
    looked up (a role can be taken away). The team's changing fields (its rung, its
    cursor) are left out, and read when used.
    """

    SECONDS = 60.0
    KEPT = 10_000

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, tuple[int, str, int, int, str, str]]] = {}

    def caller(self, token: str) -> Caller | None:
        """The token's caller, looked up unless this process saw it lately."""
        known = self.known(token)
        if known is not None:
            return known
        found = serving_token(token)
        if found is None:
            return None
        if found.player is not None:
            player, team = found.player, found.player.team
            fields = (player.pk, player.name, team.pk, team.exercise_id, team.key, team.name)
            self._remember(token, fields, found.expires_at)
        return token_owner(found)

    def callers(self, tokens: list[str]) -> dict[str, Caller | None]:
        """Each token's caller, as ``caller`` gives it, those this process has not seen
        lately looked up in one query (a storm of reconnecting sockets asks for many)."""
        found: dict[str, Caller | None] = {token: self.known(token) for token in tokens}
        unknown = {hash_token(token): token for token, caller in found.items() if caller is None and len(token) <= 200}
        if not unknown:
            return found
        owners = valid_tokens().select_related("user", "player__team__exercise").filter(digest__in=list(unknown))
        for record in owners:
            token = unknown[record.digest]
            if record.player is not None:
                player, team = record.player, record.player.team
                fields = (player.pk, player.name, team.pk, team.exercise_id, team.key, team.name)
                self._remember(token, fields, record.expires_at)
            found[token] = token_owner(record)
        return found

    async def look_up(self, token: str, db: Any) -> Caller | None:
        """The player whose token this is, read on an asyncio psycopg connection and kept;
        None for an unknown token or a staff one (whose role the full path reads)."""
        if not ISSUED.fullmatch(token):  # no query for what was never issued
            return None
        sql, params = _fields_of_player_token(hash_token(token))
        cursor = await db.execute(sql, params)
        row = await cursor.fetchone()
        if row is None:
            return None
        *fields, expires_at = row
        self._remember(token, tuple(fields), expires_at)
        return caller_for_player(_player(*fields))

    def known(self, token: str) -> Caller | None:
        """The player whose token this process saw lately, without asking the database."""
        known = self._known.get(hash_token(token))
        if known is None or known[0] <= time.monotonic():
            return None
        return caller_for_player(_player(*known[1]))

    def forget(self, token: str) -> None:
        """This process's copy dropped, for a token revoked here."""
        self._known.pop(hash_token(token), None)

    def _remember(self, token: str, fields: tuple, expires_at: datetime) -> None:
        if len(self._known) >= self.KEPT:
            self._known.clear()
        seconds = min(self.SECONDS, (expires_at - timezone.now()).total_seconds())
        self._known[hash_token(token)] = (time.monotonic() + seconds, fields)


def _fields_of_player_token(digest: str) -> tuple[str, tuple]:
    """The query for the fields kept of a player, by token digest: the ORM's SQL, for a
    connection outside Django's."""
    tokens = valid_tokens().filter(digest=digest, player__isnull=False)
    fields = tokens.values_list(
        "player_id",
        "player__name",
        "player__team_id",
        "player__team__exercise_id",
        "player__team__key",
        "player__team__name",
        "expires_at",
    )
    return fields.query.sql_with_params()


def _player(player_id: int, name: str, team_id: int, exercise_id: int, key: str, team_name: str) -> Player:
    """A fresh Player and Team for each request; fields not given load when first read."""
    team = Team.from_db("default", ["id", "exercise_id", "key", "name"], [team_id, exercise_id, key, team_name])
    player = Player.from_db("default", ["id", "team_id", "name"], [player_id, team_id, name])
    player.team = team
    return player


player_tokens = PlayerTokens()
