"""Invite codes and rules (domain/invites.py) and the callback data of onboarding buttons."""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from domain.access import Role, RoleGrant, Viewer
from domain.invites import (
    ALPHABET,
    CODE_LENGTH,
    TYPED_CODE_PATTERN,
    InviteProblem,
    InviteState,
    ask_again_at,
    board_seat_conflict,
    consent_tag,
    consent_tag_valid,
    deep_link,
    display_code,
    expires_at,
    hash_code,
    invite_problem,
    max_uses_for,
    may_manage_board,
    new_code,
    parse_code,
)

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
HASH = hash_code("ABCDEFGHJK2M5")


def test_codes_carry_at_least_60_bits_from_an_unambiguous_alphabet() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 32
    assert not set("01OI") & set(ALPHABET)
    # Codes without a digit or without a letter are redrawn: what is left is still > 64 bits.
    no_digit, no_letter = (24 / 32) ** CODE_LENGTH, (8 / 32) ** CODE_LENGTH
    assert CODE_LENGTH * math.log2(32) + math.log2(1 - no_digit - no_letter) > 64


def test_new_codes_are_well_formed_and_distinct() -> None:
    codes = {new_code(secrets.choice) for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
        assert parse_code(code) == code


def test_a_code_without_a_digit_is_drawn_again() -> None:
    symbols = itertools.chain("A" * CODE_LENGTH, itertools.cycle("B7"))
    code = new_code(lambda _alphabet: next(symbols))
    assert code == "B7" * 6 + "B"


@pytest.mark.parametrize(
    "typed",
    ["ABCD-EFGH-JK2M5", "abcd efgh jk2m5", "  AbCdEfGhJk2M5 ", "ABCD–EFGH—JK2M5"],
)
def test_typed_codes_ignore_case_spaces_and_dashes(typed: str) -> None:
    assert parse_code(typed) == "ABCDEFGHJK2M5"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDEFGHJK",  # too short
        "ABCDEFGHJK2M5X",  # too long
        "ABCDEFGHJK2M0",  # 0 is not in the alphabet (nor O, 1, I)
        "ABCDEFGHJKOM5",
        "Terimakasihya",  # a word: no digit
        "2345678923456",  # only digits
        "A" * 100,
        "",
    ],
)
def test_other_text_is_not_a_code(typed: str) -> None:
    assert parse_code(typed) is None


def test_the_message_filter_lets_codes_through_and_sentences_not() -> None:
    assert TYPED_CODE_PATTERN.match("ABCD-EFGH-JK2M5")
    assert TYPED_CODE_PATTERN.match("abcdefghjk2m5")
    assert not TYPED_CODE_PATTERN.match("halo, saya Siti")
    assert not TYPED_CODE_PATTERN.match("/start ABCDEFGHJK2M5")


def test_only_the_hash_is_kept_and_it_does_not_reveal_the_code() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", HASH)
    assert hashlib.sha256(b"ABCDEFGHJK2M5").hexdigest() == HASH
    assert hash_code("ABCDEFGHJK2M6") != HASH
    assert "ABCDEFGHJK2M5".lower() not in HASH


def test_display_and_link() -> None:
    assert display_code("ABCDEFGHJK2M5") == "ABCD-EFGH-JK2M5"
    assert (
        deep_link("gempur_bot", "ABCDEFGHJK2M5") == "https://t.me/gempur_bot?start=ABCDEFGHJK2M5"
    )
    assert expires_at(NOW, 30) == NOW + timedelta(days=30)


def test_board_invites_serve_a_board_and_others_one_person() -> None:
    assert max_uses_for(Role.PENGURUS, 5) == 5
    for role in (Role.PETUGAS, Role.ADMIN, Role.PIMPINAN):
        assert max_uses_for(role, 5) == 1


def _state(**changes: object) -> InviteState:
    values: dict[str, object] = {
        "expires_at": NOW + timedelta(days=1),
        "revoked_at": None,
        "uses": 0,
        "max_uses": 1,
    }
    values.update(changes)
    return InviteState(**values)  # type: ignore[arg-type]


def test_each_reason_an_invite_cannot_be_used() -> None:
    assert invite_problem(None, NOW) is InviteProblem.UNKNOWN
    assert invite_problem(_state(), NOW) is None
    assert invite_problem(_state(expires_at=NOW), NOW) is InviteProblem.EXPIRED
    assert invite_problem(_state(uses=1), NOW) is InviteProblem.USED_UP
    assert invite_problem(_state(uses=4, max_uses=5), NOW) is None
    revoked_and_expired = _state(revoked_at=NOW, expires_at=NOW - timedelta(days=1), uses=1)
    assert invite_problem(revoked_and_expired, NOW) is InviteProblem.REVOKED


def test_a_consent_tag_binds_one_invite_to_one_person() -> None:
    tag = consent_tag(HASH, 7, 1001)
    assert re.fullmatch(r"[A-Z2-7]{16}", tag)
    assert consent_tag_valid(HASH, 7, 1001, tag)
    assert not consent_tag_valid(HASH, 7, 1002, tag)  # someone else pressing it
    assert not consent_tag_valid(HASH, 8, 1001, tag)  # another invite's id
    assert not consent_tag_valid(hash_code("ABCDEFGHJK2M6"), 7, 1001, tag)


def _viewer(person_id: int, *grants: RoleGrant) -> Viewer:
    return Viewer(
        telegram_user_id=person_id,
        chat_id=person_id,
        person_id=person_id,
        grants=frozenset(grants),
    )


def test_who_may_remove_a_board_member() -> None:
    assert may_manage_board(_viewer(1, RoleGrant(Role.ADMIN)), None)
    assert may_manage_board(_viewer(2, RoleGrant(Role.PETUGAS)), 2)
    assert not may_manage_board(_viewer(3, RoleGrant(Role.PETUGAS)), 2)
    assert not may_manage_board(_viewer(4, RoleGrant(Role.PIMPINAN)), None)
    assert not may_manage_board(_viewer(5, RoleGrant(Role.PENGURUS, 9)), 5)


def test_a_refused_request_may_be_made_again_only_after_the_cool_down() -> None:
    refused = NOW - timedelta(days=3)
    assert ask_again_at(refused, 7, NOW) == refused + timedelta(days=7)
    assert ask_again_at(refused, 3, NOW) is None  # exactly over
    assert ask_again_at(refused, 0, NOW) is None  # no cool-down configured
    assert ask_again_at(None, 7, NOW) is None  # never refused


def test_an_officer_may_not_sit_on_the_board_she_supervises() -> None:
    assert board_seat_conflict(5, True, 5) is True
    assert board_seat_conflict(5, True, 6) is False  # another officer's cooperative
    assert board_seat_conflict(5, False, 5) is False  # no longer an officer
    assert board_seat_conflict(5, True, None) is False  # in the admins' queue
