"""Reading an uploaded zip without trusting it: only the archive's own file names, no
paths, and never more unpacked than the limit, whatever the zip declares."""

import io
import zipfile
import zlib

from exercise.archives import layout
from exercise.errors import Invalid, TooLarge

_CHUNK = 64 * 1024


def _refuse(message: str, path: str = "archive") -> Invalid:
    return Invalid(message, [{"path": path, "message": message}])


def unpacked_files(body: bytes) -> dict[str, bytes]:
    """The archive's files by name. Invalid for anything but a readable zip of exactly the
    archive's files; TooLarge when they would unpack to more than the limit."""
    if len(body) > layout.max_upload_bytes():
        raise TooLarge(f"An archive may be at most {layout.max_upload_bytes() // (1024 * 1024)} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = _checked_members(archive)
            return _read_all(archive, members)
    except zipfile.BadZipFile as exc:
        raise _refuse(f"The body is not a readable zip archive: {exc}.") from exc
    except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        # a damaged stream, an unknown compression method, an encrypted member
        raise _refuse(f"The zip archive cannot be read: {exc}.") from exc


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    expected = {layout.MANIFEST, *layout.FILES}
    names = [m.filename for m in members]
    for name in names:
        if name.startswith(("/", "\\")) or ":" in name or "\\" in name or ".." in name.split("/"):
            raise _refuse(f"The archive holds a path that leaves it: {name!r}.", name)
        if name not in expected:
            raise _refuse(f"The archive holds a file this format does not have: {name!r}.", name)
    if len(set(names)) != len(names):
        raise _refuse("The archive holds a file twice.")
    missing = sorted(expected - set(names))
    if missing:
        raise _refuse(f"The archive has no {missing[0]}.", missing[0])
    declared = sum(m.file_size for m in members)
    if declared > layout.max_unpacked_bytes():
        raise _too_large()
    return members


def _too_large() -> TooLarge:
    limit = layout.max_unpacked_bytes() // (1024 * 1024)
    return TooLarge(f"The archive unpacks to more than {limit} MB.", [{"path": "archive", "message": "too large"}])


def _read_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """Each file read a chunk at a time, counting what actually comes out: a member whose
    header understates its size stops at the limit all the same."""
    budget = layout.max_unpacked_bytes()
    files = {}
    for member in members:
        parts = []
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise _too_large()
                parts.append(chunk)
        files[member.filename] = b"".join(parts)
    return files
