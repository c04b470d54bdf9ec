"""Text the database cannot store: NUL characters and unpaired UTF-16 surrogates.

JSON can carry both (``"\\u0000"``, ``"\\ud800"``); PostgreSQL refuses the first and no
UTF-8 database can hold the second. They are never part of what people write, so they
are refused at the door with the path of the field that holds them.
"""

import re
from collections.abc import Iterator
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    return bool(_UNSTORABLE.search(text))


def unstorable_paths(value: Any, path: str = "") -> Iterator[str]:
    """The paths (``partners[1]``, ``text``) of every string in ``value`` that cannot be stored."""
    if isinstance(value, str):
        if unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                yield child
            yield from unstorable_paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_paths(item, f"{path}[{index}]")
