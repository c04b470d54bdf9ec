"""Domain errors. The web layer maps each to the contract's status code and error body."""

from collections.abc import Sequence
from typing import TypedDict


class Problem(TypedDict):
    path: str
    message: str


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, details: Sequence[Problem] = ()):
        super().__init__(message)
        self.message = message
        self.details = list(details)


class Invalid(DomainError):
    """The input is malformed or breaks a rule of the document or command."""

    code = "invalid"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class NotAllowed(DomainError):
    """The caller's role or team may not do this."""

    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class InvalidState(DomainError):
    """Valid input that the current state refuses, such as releasing an inject twice."""

    code = "invalid_state"


class Conflict(DomainError):
    """The thing to create already exists, such as a scenario key."""

    code = "conflict"


class TooLarge(DomainError):
    code = "too_large"


class RateLimited(DomainError):
    code = "rate_limited"
