"""Roles and what a viewer may do: the pure part of authorisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """The four roles (docs/rules.md#roles-and-scope); stored as plain strings."""

    ADMIN = "admin"
    PIMPINAN = "pimpinan"
    PETUGAS = "petugas"
    PENGURUS = "pengurus"


@dataclass(frozen=True)
class RoleGrant:
    """One active role; `koperasi_id` is set for a board (pengurus) role."""

    role: Role
    koperasi_id: int | None = None


@dataclass(frozen=True)
class Viewer:
    """Who sent the update being handled and what they hold; a stranger has no person row."""

    telegram_user_id: int
    chat_id: int
    person_id: int | None = None
    grants: frozenset[RoleGrant] = field(default_factory=frozenset)
    # The language chosen in /bahasa; None: the Telegram app's.
    language: str | None = None

    @property
    def roles(self) -> frozenset[Role]:
        """The distinct roles held."""
        return frozenset(grant.role for grant in self.grants)

    @property
    def is_known(self) -> bool:
        """True once the person holds at least one role."""
        return bool(self.grants)

    def has(self, *roles: Role) -> bool:
        """True if the viewer holds any of `roles`."""
        return any(grant.role in roles for grant in self.grants)

    def board_koperasi_ids(self) -> frozenset[int]:
        """The cooperatives whose board this viewer sits on."""
        return frozenset(
            grant.koperasi_id
            for grant in self.grants
            if grant.role is Role.PENGURUS and grant.koperasi_id is not None
        )
