"""Player tokens this process has seen lately, so that a team command need not look its
token up again (a query joining four tables: a tenth of the command's time)."""

import re
import time
from typing import Any

from exercise.access import caller_for_token
from exercise.models import Player, Team
from exercise.models.access import hash_token
from exercise.roles import Caller, caller_for_player

# secrets.token_urlsafe(32), as exercise.access issues them.
ISSUED = re.compile(r"[A-Za-z0-9_-]{43}")


class PlayerTokens:
    """A player's token names the same player of the same team for good, so what is kept
    cannot go wrong; staff tokens are always looked up (a role can be taken away). The
    team's changing fields (its rung, its cursor) are left out, and read when used.
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
        caller = caller_for_token(token)
        if caller is not None and caller.player is not None:
            player, team = caller.player, caller.player.team
            self._remember(token, (player.pk, player.name, team.pk, team.exercise_id, team.key, team.name))
        return caller

    async def look_up(self, token: str, db: Any) -> Caller | None:
        """The player whose token this is, read on an asyncio psycopg connection and kept;
        None for an unknown token or a staff one (whose role the full path reads)."""
        if not ISSUED.fullmatch(token):  # no query for what was never issued
            return None
        sql, params = _fields_of_player_token(hash_token(token))
        cursor = await db.execute(sql, params)
        fields = await cursor.fetchone()
        if fields is None:
            return None
        self._remember(token, tuple(fields))
        return caller_for_player(_player(*fields))

    def known(self, token: str) -> Caller | None:
        """The player whose token this process saw lately, without asking the database."""
        known = self._known.get(hash_token(token))
        if known is None or known[0] <= time.monotonic():
            return None
        return caller_for_player(_player(*known[1]))

    def _remember(self, token: str, fields: tuple) -> None:
        if len(self._known) >= self.KEPT:
            self._known.clear()
        self._known[hash_token(token)] = (time.monotonic() + self.SECONDS, fields)


def _fields_of_player_token(digest: str) -> tuple[str, tuple]:
    """The query for the fields kept of a player, by token digest: the ORM's SQL, for a
    connection outside Django's."""
    players = Player.objects.filter(tokens__digest=digest)
    fields = players.values_list("pk", "name", "team_id", "team__exercise_id", "team__key", "team__name")
    return fields.query.sql_with_params()


def _player(player_id: int, name: str, team_id: int, exercise_id: int, key: str, team_name: str) -> Player:
    """A fresh Player and Team for each request; fields not given load when first read."""
    team = Team.from_db("default", ["id", "exercise_id", "key", "name"], [team_id, exercise_id, key, team_name])
    player = Player.from_db("default", ["id", "team_id", "name"], [player_id, team_id, name])
    player.team = team
    return player


player_tokens = PlayerTokens()
