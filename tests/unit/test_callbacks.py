"""Every button's callback data: round trips, and truncated, oversized or forged data is None.

The table below must name every codec in `domain.callbacks`: a new button without cases fails
`test_every_codec_has_cases`.
"""

from __future__ import annotations

import inspect
import re

import pytest

import domain.callbacks
import domain.callbacks.export
import domain.callbacks.rat
import domain.callbacks.rekap
import domain.callbacks.rollup
import domain.callbacks.siaran
import domain.callbacks.visits
from domain.access import Role
from domain.callbacks import (
    INVITE_ROLES,
    MAX_ID,
    BoardCheckAction,
    BoardCheckButton,
    BoardChoice,
    BoardSwitch,
    ChartButton,
    Codec,
    ConsentButton,
    ConsentDecline,
    EksporPeriod,
    EksporStart,
    FollowUpAction,
    FollowUpButton,
    FormButton,
    ImportAction,
    ImportButton,
    InviteBulk,
    InviteBulkAll,
    InviteBulkMenu,
    InviteForBoard,
    InviteForRole,
    InviteListPage,
    InviteMenu,
    InviteOpenList,
    InviteRevoke,
    InviteRevokeConfirm,
    InviteSearchHint,
    InviteSearchPage,
    JoinAsk,
    JoinButton,
    JoinPendingList,
    KoperasiAction,
    KoperasiButton,
    LaporButton,
    PetugasAction,
    PetugasButton,
    PrivacyAction,
    PrivacyButton,
    RelayAction,
    RelayButton,
    RelaySessionEnd,
    RelayTopicButton,
    SiaranAction,
    SiaranButton,
    StatusButton,
    StatusView,
    VerifyAction,
    VerifyButton,
    VisitAction,
    VisitPick,
)
from domain.callbacks.codec import ID, INDEX, MAX_INDEX, MAX_PAGE, PAGE
from domain.callbacks.lists import PETUGAS_NUMBERS
from domain.callbacks.rekap import RekapAction, RekapButton, RekapView
from domain.callbacks.rollup import MAX_YEAR
from domain.invites import JOIN_ROLES, consent_tag, hash_code
from domain.koperasi_list import ListFilter, ListState
from domain.relay import Topic
from domain.rollup.split import Group, Measure, Split

# a number part -> its bound
LARGEST = {ID: MAX_ID, PAGE: MAX_PAGE, INDEX: MAX_INDEX}


REKAP_VIEW = RekapView(2025, "kdkmp", MAX_INDEX, Group(Split.PETUGAS, MAX_ID))
TAG = consent_tag(hash_code("ABCDEFGHJK2M5"), MAX_ID, MAX_ID)
STATE = ListState(12, ListFilter(kecamatan=999, stage=3, late=True, at_risk=True, search=True))

# codec -> buttons covering every variant (each action, each role), with ids at their bound
CASES: dict[type[Codec], list[Codec]] = {
    FormButton: [FormButton(MAX_ID, MAX_ID, "pilihan_satu", 0), FormButton(1, 0, "a", 999)],
    ConsentButton: [ConsentButton(MAX_ID, TAG), ConsentButton(0, TAG)],
    ConsentDecline: [ConsentDecline()],
    JoinAsk: [JoinAsk()],
    JoinPendingList: [JoinPendingList()],
    JoinButton: [JoinButton(MAX_ID, None), *(JoinButton(MAX_ID, role) for role in JOIN_ROLES)],
    BoardSwitch: [BoardSwitch()],
    BoardChoice: [BoardChoice(MAX_ID, "tindaklanjut"), BoardChoice(7)],
    StatusButton: [StatusButton(MAX_ID, view) for view in StatusView],
    LaporButton: [LaporButton(MAX_ID, "A14"), LaporButton(1), LaporButton(2, "undo")],
    BoardCheckButton: [BoardCheckButton(MAX_ID, action, MAX_ID) for action in BoardCheckAction],
    VerifyButton: [
        VerifyButton(kind, MAX_ID, action)
        for kind in ("item", "held", "reported")
        for action in VerifyAction
    ],
    ImportButton: [ImportButton(MAX_ID, action) for action in ImportAction],
    SiaranButton: [SiaranButton(MAX_ID, action) for action in SiaranAction],
    VisitPick: [VisitPick(MAX_ID, action) for action in VisitAction],
    FollowUpButton: [FollowUpButton(MAX_ID, action) for action in FollowUpAction],
    PrivacyButton: [PrivacyButton(action) for action in PrivacyAction],
    InviteMenu: [InviteMenu()],
    InviteForRole: [InviteForRole(role) for role in INVITE_ROLES],
    InviteSearchHint: [InviteSearchHint()],
    InviteSearchPage: [InviteSearchPage(99_999, "ä" * 20), InviteSearchPage(0, "maju: jaya")],
    InviteForBoard: [InviteForBoard(MAX_ID)],
    InviteBulkMenu: [InviteBulkMenu()],
    InviteBulk: [InviteBulk(0), InviteBulk(999)],
    InviteBulkAll: [InviteBulkAll()],
    InviteOpenList: [InviteOpenList()],
    InviteListPage: [InviteListPage(99_999)],
    InviteRevoke: [InviteRevoke(MAX_ID, 99_999)],
    InviteRevokeConfirm: [InviteRevokeConfirm(MAX_ID, 0), InviteRevokeConfirm(3, 2)],
    KoperasiButton: [
        KoperasiButton(KoperasiAction.LIST, (), STATE),
        KoperasiButton(KoperasiAction.CARD, (MAX_ID,), STATE),
        KoperasiButton(KoperasiAction.FILTERS, (), ListState()),
        KoperasiButton(KoperasiAction.KECAMATAN, (), STATE),
        KoperasiButton(KoperasiAction.STAGES, (), STATE),
        KoperasiButton(KoperasiAction.SEARCH),
        KoperasiButton(KoperasiAction.REMOVE_ASK, (MAX_ID, MAX_ID), STATE),
        KoperasiButton(KoperasiAction.WORKLIST_PAGE, (MAX_PAGE,), STATE),
        KoperasiButton(KoperasiAction.REMOVE, (1, 2), STATE),
        KoperasiButton(KoperasiAction.PICK_OFFICER, (7, 3), STATE),
        KoperasiButton(KoperasiAction.CHANGE_OFFICER, (7, 0), STATE),
        KoperasiButton(KoperasiAction.WORKLIST, (), STATE),
    ],
    RelayButton: [RelayButton(action, MAX_ID) for action in RelayAction],
    RelaySessionEnd: [RelaySessionEnd(MAX_ID), RelaySessionEnd(0)],
    RelayTopicButton: [RelayTopicButton(MAX_ID, topic) for topic in Topic],
    ChartButton: [ChartButton(), ChartButton(MAX_INDEX, MAX_YEAR), ChartButton(3, 2025)],
    EksporPeriod: [EksporPeriod(2999), EksporPeriod(0), EksporPeriod(2025)],
    EksporStart: [EksporStart(2999, MAX_INDEX), EksporStart(2025, 0)],
    PetugasButton: [
        PetugasButton(action, tuple(LARGEST[part] for part in parts))
        for action, parts in PETUGAS_NUMBERS.items()
    ],
    RekapButton: [
        RekapButton.of(RekapAction.CARD, RekapView(2025)),
        RekapButton.of(RekapAction.KECAMATAN, RekapView(2099, "total", 999), page=MAX_PAGE),
        *(
            RekapButton.of(RekapAction.SPLIT, RekapView(2024, "kdkmp", 3), split.value, 7)
            for split in Split
            if split is not Split.NONE
        ),
        *(
            RekapButton.of(action, REKAP_VIEW, measure.value, MAX_PAGE)
            for action in (RekapAction.DRILL, RekapAction.REMIND)
            for measure in Measure
        ),
    ],
}
SAMPLES = [button for buttons in CASES.values() for button in buttons]
# Codecs whose last part is free text (which may hold colons): one part fewer or more can be
# another valid button of theirs, never the same one.
FREE_TEXT: set[type[Codec]] = {InviteSearchPage}


def _not_the_button(button: Codec, data: str) -> None:
    """`data` (forged from the button's own) decodes to nothing, or exactly to another button."""
    decoded = type(button).decode(data)
    if type(button) in FREE_TEXT:
        assert decoded is None or (decoded != button and decoded.encode() == data)
    else:
        assert decoded is None


def _codecs() -> set[type[Codec]]:
    """Every codec class the package defines."""
    return {
        value
        for module in (
            domain.callbacks.codec,
            domain.callbacks.board,
            domain.callbacks.people,
            domain.callbacks.lists,
            domain.callbacks.relay,
            domain.callbacks.visits,
            domain.callbacks.rat,
            domain.callbacks.rollup,
            domain.callbacks.export,
            domain.callbacks.siaran,
            domain.callbacks.rekap,
        )
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Codec) and value is not Codec
    }


def test_every_codec_has_cases() -> None:
    assert set(CASES) == _codecs()
    assert {b.action for b in CASES[KoperasiButton]} == set(KoperasiAction)  # type: ignore[attr-defined]
    assert {b.action for b in CASES[PetugasButton]} == set(PetugasAction)  # type: ignore[attr-defined]
    assert {b.action for b in CASES[RelayButton]} == set(RelayAction)  # type: ignore[attr-defined]
    assert {b.action for b in CASES[RekapButton]} == set(RekapAction)  # type: ignore[attr-defined]


@pytest.mark.parametrize("button", SAMPLES, ids=repr)
def test_round_trip_within_64_bytes_and_only_its_own_codec_reads_it(button: Codec) -> None:
    data = button.encode()
    assert len(data.encode()) <= 64
    assert type(button).decode(data) == button
    assert re.match(type(button).pattern(), data)
    readers = [codec for codec in _codecs() if codec.decode(data) is not None]
    assert readers == [type(button)]


@pytest.mark.parametrize("button", SAMPLES, ids=repr)
def test_truncated_data_is_not_the_button(button: Codec) -> None:
    data, codec = button.encode(), type(button)
    _not_the_button(button, data.rpartition(":")[0])  # the last part missing
    for end in range(len(data)):
        decoded = codec.decode(data[:end])
        assert decoded is None or decoded.encode() == data[:end]  # another button, exactly


@pytest.mark.parametrize("button", SAMPLES, ids=repr)
def test_oversized_data_is_none(button: Codec) -> None:
    data = button.encode()
    _not_the_button(button, data + ":1")  # a part too many
    assert type(button).decode(data + "9" * 64) is None  # over Telegram's 64 bytes


FORGED_NUMBERS = ["9" * 25, str(MAX_ID + 1), "-1", "+1", "01", "\u0663", "1.0", " 1", "1 ", ""]


@pytest.mark.parametrize("button", SAMPLES, ids=repr)
@pytest.mark.parametrize("forged", FORGED_NUMBERS)
def test_forged_numbers_are_none(button: Codec, forged: str) -> None:
    codec, parts = type(button), button.encode().split(":")
    numbers = [i for i, part in enumerate(parts) if part.isdigit()]
    for i in numbers:
        assert codec.decode(":".join([*parts[:i], forged, *parts[i + 1 :]])) is None


@pytest.mark.parametrize(
    "data",
    [
        "i:y:",
        "i:y:x:AAAA",
        "i:y:5",
        "i:y:5:",
        "i:n:5",
        "i:y:5:<b>",
        "j:a:5:pengurus",
        "j:a:5",
        "j:r:x",
        "j:r:5:admin",
        "j:x:5",
        "j:a:5:root",
        "i:r:5",
        "k:zz",
        "k:c:abc:0:-",
        "k:c:5:0:zz",
        "k:ft:0:t9",
        "p:zz:1",
        "i:c:pengurus",
        "i:p:0:  two  spaces",
        "i:p:0:" + "x" * 41,
        "i:s:5:Status",
        "v:other",
        "m:5:yes",
        "gr",
        "gr:1",
        "gr:1:10000",
        "gr:-:2025",
        "",
        ":",
        "\x00",
    ],
)
def test_forged_data_is_no_button(data: str) -> None:
    assert all(codec.decode(data) is None for codec in _codecs())


@pytest.mark.parametrize(
    "button",
    [
        FormButton(MAX_ID + 1, 1, "a", 0),
        FormButton(1, MAX_ID + 1, "a", 0),
        FormButton(1, 1, "a:b", 0),
        FormButton(1, 1, "x" * 33, 0),
        InviteListPage(100_000),
        InviteBulk(1000),
        InviteSearchPage(0, "x" * 41),
        BoardChoice(1, "x" * 33),
        PetugasButton(PetugasAction.ASSIGN, (1, 2)),
        JoinButton(1, Role.PENGURUS),
    ],
    ids=repr,
)
def test_encoding_what_cannot_be_decoded_raises(button: Codec) -> None:
    with pytest.raises(ValueError, match="over 64 bytes or out of range"):
        button.encode()
