"""Durations as scenario writers type them: ``90m``, ``1h30m``, ``45s``."""

import math
import re

_DURATION = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$")

# A week of exercise time covers any tabletop exercise with room to spare; a larger
# figure is far more likely a typo (``900h`` for ``90m``) than a plan.
MAX_SECONDS = 7 * 24 * 3600


def parse_duration(value: object) -> float:
    """Seconds from a duration string or a number of seconds; ValueError with a reason."""
    if isinstance(value, bool):
        raise ValueError("is a yes/no value, not a duration; write it like 90m, 1h30m or 45s")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").lower()
        match = _DURATION.match(text)
        if not text or not match or not any(match.groupdict().values()):
            raise ValueError(f"'{value}' is not a duration; write it like 90m, 1h30m or 45s")
        parts = {unit: float(amount or 0) for unit, amount in match.groupdict().items()}
        seconds = parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    else:
        raise ValueError(f"is a {type(value).__name__}, not a duration; write it like 90m, 1h30m or 45s")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"is {value}, which is not a duration of zero or more; write it like 90m, 1h30m or 45s")
    if seconds > MAX_SECONDS:
        raise ValueError(
            f"is {format_duration(seconds)}, longer than a week of exercise time; a duration may be at most 168h"
        )
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest string that parses back to ``seconds``: 5400 gives ``1h30m``."""
    if seconds == 0:
        return "0s"
    whole = int(seconds)
    fraction = seconds - whole
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or fraction:
        # repr keeps every digit, so the string parses back to exactly these seconds.
        parts.append(f"{secs}s" if not fraction else f"{secs + fraction!r}s")
    return "".join(parts)
