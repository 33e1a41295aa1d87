"""Invite codes and the rules of an invite: format, hashing, validity, and consent binding.

A code is 13 symbols from an alphabet of 32 that leaves out the look-alikes 0/O and 1/I, so it
can be read aloud and typed from paper: 13 x 5 = 65 bits. Every code holds at least one letter
and one digit, which tells a typed code apart from a word (and costs a twentieth of a bit).
Only the code's SHA-256 is stored; the code itself is shown once, to the admin who made it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.access import Role, Viewer
from domain.keys import N_

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 13
# How a code is grouped for reading: ABCD-EFGH-JKLMN.
GROUPS = (4, 4, 5)
# A message that may be a typed code (groups optionally split by a space or a hyphen); the
# exact check is `parse_code`. Used as a cheap filter before any handler runs.
TYPED_CODE_PATTERN = re.compile(
    r"^\s*[A-Za-z0-9]{4}[\s\-]?[A-Za-z0-9]{4}[\s\-]?[A-Za-z0-9]{5}\s*$"
)
INVITABLE_ROLES = (Role.PETUGAS, Role.ADMIN, Role.PIMPINAN, Role.PENGURUS)
# Roles an admin may grant when approving a join request (a board seat needs an invite that
# names the cooperative).
JOIN_ROLES = (Role.PETUGAS, Role.PIMPINAN, Role.ADMIN)
# A board member's position (jabatan), asked once they are linked through a board invite, and
# the label of each as a button.
BOARD_POSITION_KEYS = {
    "ketua": N_("board.position.ketua"),
    "sekretaris": N_("board.position.sekretaris"),
    "bendahara": N_("board.position.bendahara"),
    "manajer": N_("board.position.manajer"),
    "pengawas": N_("board.position.pengawas"),
    "lainnya": N_("board.position.lainnya"),
}
BOARD_POSITIONS = tuple(BOARD_POSITION_KEYS)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_SYMBOLS = frozenset(ALPHABET)
_DIGITS = frozenset("23456789")
# A consent tag of 80 bits: forging one online is hopeless.
_TAG_BYTES = 10


class InviteProblem(StrEnum):
    """Why an invite cannot be used; each has its own explanation for the person."""

    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"
    SUPERVISES = "supervises"  # a board invite of a cooperative the person is the officer of


def new_code(pick: Callable[[str], str]) -> str:
    """A fresh code; `pick` chooses one symbol of a string (pass `secrets.choice`)."""
    while True:
        code = "".join(pick(ALPHABET) for _ in range(CODE_LENGTH))
        if _well_formed(code):
            return code


def _well_formed(code: str) -> bool:
    """Right length, only alphabet symbols, at least one letter and one digit."""
    return (
        len(code) == CODE_LENGTH
        and set(code) <= _SYMBOLS
        and any(symbol in _DIGITS for symbol in code)
        and any(symbol not in _DIGITS for symbol in code)
    )


def parse_code(text: str) -> str | None:
    """The code in what a person typed or the deep link carried, or None if it is not one.

    Case, spaces and hyphens do not matter: `abcd efgh jk2m5` reads as `ABCDEFGHJK2M5`.
    """
    if len(text) > CODE_LENGTH * 3:
        return None
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    return code if _well_formed(code) else None


def hash_code(code: str) -> str:
    """The stored form of a code: SHA-256 as 64 hex digits."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def display_code(code: str) -> str:
    """The code grouped for reading and typing, e.g. `ABCD-EFGH-JK2M5`."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with the code as the /start payload."""
    return f"https://t.me/{bot_username}?start={code}"


def expires_at(now: datetime, ttl_days: int) -> datetime:
    """When an invite made at `now` stops working."""
    return now + timedelta(days=ttl_days)


def max_uses_for(role: Role, board_max_uses: int) -> int:
    """Board invites serve a whole board; every other invite serves one person."""
    return board_max_uses if role is Role.PENGURUS else 1


@dataclass(frozen=True)
class InviteState:
    """What decides whether an invite may still be used."""

    expires_at: datetime
    revoked_at: datetime | None
    uses: int
    max_uses: int


def invite_problem(state: InviteState | None, now: datetime) -> InviteProblem | None:
    """Why the invite cannot be used at `now`, or None if it can.

    A revoked invite says so even after it would have expired: the admin's act is the reason
    the person should hear.
    """
    if state is None:
        return InviteProblem.UNKNOWN
    if state.revoked_at is not None:
        return InviteProblem.REVOKED
    if state.expires_at <= now:
        return InviteProblem.EXPIRED
    if state.uses >= state.max_uses:
        return InviteProblem.USED_UP
    return None


def consent_tag(code_hash: str, invite_id: int, telegram_user_id: int) -> str:
    """Binds a consent button to one invite and one person.

    Keyed with the code's hash, so only the server and whoever holds the code can make one,
    and a button made for one person is worthless to another.
    """
    message = f"{invite_id}:{telegram_user_id}".encode()
    digest = hmac.new(bytes.fromhex(code_hash), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:_TAG_BYTES]).decode("ascii")


def consent_tag_valid(code_hash: str, invite_id: int, telegram_user_id: int, tag: str) -> bool:
    """Whether `tag` was made for this invite and this person (constant-time comparison)."""
    return hmac.compare_digest(consent_tag(code_hash, invite_id, telegram_user_id), tag)


def may_manage_board(actor: Viewer, koperasi_petugas_id: int | None) -> bool:
    """Whether `actor` may change a cooperative's board: an admin, or its assigned officer.

    Pimpinan read; board members do not remove each other.
    """
    if actor.has(Role.ADMIN):
        return True
    return (
        actor.has(Role.PETUGAS)
        and actor.person_id is not None
        and actor.person_id == koperasi_petugas_id
    )


def ask_again_at(
    refused_at: datetime | None, cooldown_days: int, now: datetime
) -> datetime | None:
    """When someone whose access request was refused at `refused_at` may ask again; None if
    they may already (one refusal must not let a stranger ping every admin again at once)."""
    if refused_at is None or cooldown_days <= 0:
        return None
    again = refused_at + timedelta(days=cooldown_days)
    return again if again > now else None


def board_seat_conflict(person_id: int, is_officer: bool, koperasi_petugas_id: int | None) -> bool:
    """Whether a seat on a cooperative's board would make the person supervise herself: she is
    the officer assigned to it (a conflict of roles; the invite is refused, with the reason)."""
    return is_officer and koperasi_petugas_id == person_id
