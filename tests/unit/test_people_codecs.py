"""The callback codecs of the buttons added for access requests and invite revocation: round
trips, and truncated, oversized or forged data read as stale."""

from __future__ import annotations

import pytest

from handlers.callbacks import (
    MAX_CALLBACK_BYTES,
    PendingRequestsButton,
    RevokeConfirmButton,
)


def test_each_round_trips_within_telegrams_limit() -> None:
    pending = PendingRequestsButton()
    assert PendingRequestsButton.decode(pending.encode()) == pending
    revoke = RevokeConfirmButton(2**62, 999)
    assert RevokeConfirmButton.decode(revoke.encode()) == revoke
    assert len(RevokeConfirmButton(2**63 - 1, 10**6).encode().encode()) <= MAX_CALLBACK_BYTES


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


def test_only_the_exact_list_button_is_read_as_one() -> None:
    assert PendingRequestsButton.decode("j:l:1") is None
    assert PendingRequestsButton.decode("j:") is None
