"""What an archive holds: its files, its format's name and version, and its limits."""

from django.conf import settings

FORMAT = "parley-exercise-archive"
VERSION = 1

MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
# Every file of an archive besides the manifest, each a JSON document but the log, which
# is JSON Lines: one event a line, in seq order.
FILES = (
    "exercise.json",
    "scenario.json",
    "teams.json",
    "injects.json",
    "media.json",
    EVENTS,
    "ratings.json",
    "notes.json",
    "findings.json",
    "hotwash.json",
    "improvements.json",
    "feedback.json",
    "audit.json",
)
# Files whose length the manifest counts (a list, or the log's lines).
COUNTED = {
    "teams.json": "teams",
    "injects.json": "injects",
    "media.json": "media",
    EVENTS: "events",
    "ratings.json": "ratings",
    "notes.json": "notes",
    "findings.json": "findings",
    "hotwash.json": "hotwash",
    "improvements.json": "improvements",
    "feedback.json": "feedback",
    "audit.json": "audit",
}


def max_upload_bytes() -> int:
    """The largest archive accepted for import, as sent."""
    return int(settings.ARCHIVE_MAX_BYTES)


def max_unpacked_bytes() -> int:
    """The most an archive may unpack to, all files together: a zip bomb stops here."""
    return int(settings.ARCHIVE_MAX_UNPACKED_BYTES)
