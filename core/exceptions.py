"""Domain errors raised by actions. The API maps them to HTTP codes in one handler:
InvalidTransition and OwnershipLocked -> 409, NotPermitted -> 403 (or 404 when the object must
stay invisible), DomainValidationError -> 400."""

__all__ = [
    "DomainError",
    "DomainValidationError",
    "InvalidTransition",
    "NotPermitted",
    "OwnershipLocked",
]


class DomainError(Exception):
    """Base class for rule violations that callers turn into 4xx answers."""


class InvalidTransition(DomainError):
    """A status change that the machine does not allow (the API answers 409)."""

    def __init__(self, current: str, target: str, kind: str = "ticket") -> None:
        self.current = current
        self.target = target
        super().__init__(f"A {kind} cannot go from '{current}' to '{target}'.")


class OwnershipLocked(DomainError):
    """The ticket already has an owner; only transfer_ownership may change it."""


class NotPermitted(DomainError):
    """The actor's role does not allow this action on this object."""


class DomainValidationError(DomainError):
    """Input that is well-formed but breaks a business rule; carries field messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
