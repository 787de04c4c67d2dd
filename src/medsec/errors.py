"""The MedsecError family: typed domain errors mapped once at each edge (CLI, API, web)."""

from __future__ import annotations


class MedsecError(Exception):
    """Base of every error medsec raises on purpose; carries an HTTP-like status."""

    status: int = 400
    code: str = "medsec-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(MedsecError):
    """A named object does not exist."""

    status = 404
    code = "not-found"


class Hidden(NotFound):
    """An object the caller may not see: answered exactly as if it did not exist (the same
    status and message), so that a refusal reveals nothing; ``reason`` is for the audit log."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Conflict(MedsecError):
    """The request conflicts with what is stored (duplicates, stale state)."""

    status = 409
    code = "conflict"


class PermissionDenied(MedsecError):
    """The acting account lacks the role or product access a rule requires."""

    status = 403
    code = "permission-denied"


class InvalidInput(MedsecError):
    """A value given by the user breaks a rule."""

    status = 422
    code = "invalid-input"


class DocumentError(MedsecError):
    """An inbound document (SBOM, feed, advisory) is malformed or refused.

    ``source`` names the file, ``location`` the JSON path, XML element or line inside it.
    """

    status = 422
    code = "invalid-document"

    def __init__(
        self, message: str, *, source: str = "<input>", location: str | None = None
    ) -> None:
        self.source = source
        self.location = location
        where = f"{source}: {location}: " if location else f"{source}: "
        super().__init__(where + message)
        self.detail = message


class UnsupportedFormat(DocumentError):
    """The document is recognised but its format or version is not supported."""

    code = "unsupported-format"


class DocumentTooLarge(DocumentError):
    """The document exceeds a configured size or depth limit."""

    status = 413
    code = "document-too-large"


class Unavailable(MedsecError):
    """Something this installation lacks (a system library, a configured key) is needed."""

    status = 503
    code = "unavailable"
