"""The callback codecs of the onboarding buttons added for access requests, invite revocation
and board positions: round trips, and truncated, oversized or forged data read as stale."""

from __future__ import annotations

import pytest

from domain.invites import BOARD_POSITIONS
from handlers.callbacks import (
    MAX_CALLBACK_BYTES,
    JabatanButton,
    PendingRequestsButton,
    RevokeConfirmButton,
)


def test_each_round_trips_within_telegrams_limit() -> None:
    pending = PendingRequestsButton()
    assert PendingRequestsButton.decode(pending.encode()) == pending
    revoke = RevokeConfirmButton(2**62, 999)
    assert RevokeConfirmButton.decode(revoke.encode()) == revoke
    for code in BOARD_POSITIONS:
        position = JabatanButton(2**62, code)
        assert JabatanButton.decode(position.encode(), BOARD_POSITIONS) == position
    longest = [revoke.encode(), JabatanButton(2**62, "sekretaris").encode()]
    assert all(len(data.encode()) <= MAX_CALLBACK_BYTES for data in longest)


@pytest.mark.parametrize(
    "data",
    [
        "i:v",
        "i:v:",
        "i:v:12",
        "i:v:12:",
        "i:v:x:0",
        "i:v:12:0:9",
        "i:v:" + "9" * 25 + ":0",  # beyond any id: a forged button, not an OverflowError
        "i:v:-1:0",
        "xi:v:1:0",
    ],
)
def test_malformed_revoke_data_is_stale(data: str) -> None:
    assert RevokeConfirmButton.decode(data) is None


@pytest.mark.parametrize(
    "data",
    ["i:j", "i:j:1", "i:j:1:", "i:j:1:presiden", "i:j:x:ketua", "i:j:" + "9" * 25 + ":ketua"],
)
def test_malformed_position_data_is_stale(data: str) -> None:
    assert JabatanButton.decode(data, BOARD_POSITIONS) is None


def test_only_the_exact_list_button_is_read_as_one() -> None:
    assert PendingRequestsButton.decode("j:l:1") is None
    assert PendingRequestsButton.decode("j:") is None
