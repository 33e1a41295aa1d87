"""The callback data of every button: one typed codec per button, all in this package.

Data is `<prefix>[:<part>…]`, at most 64 bytes (Telegram's limit). A codec is a frozen dataclass:
`encode()` gives the data (ValueError for values it could not decode back), `decode(data)` the
button or None, `pattern()` the regex routing its family to a handler. Decoding is strict, since
anyone can send any data: numbers are ASCII digits without leading zeros within their bound
(row ids within PostgreSQL's INTEGER, pages and indexes far less), texts within their length
and alphabet. Anything else (truncated, oversized, forged) is None, which the handlers answer
as a stale menu.

Pure Python below `services/`: services queue messages whose buttons (consent, join decisions)
the handlers decode. A new button is a new codec here plus a row in tests/unit/test_callbacks.py,
which fails for a codec without one.
"""

from domain.callbacks.board import BoardCheckAction, BoardCheckButton
from domain.callbacks.codec import (
    MAX_CALLBACK_BYTES,
    MAX_ID,
    Codec,
    decode_any,
    family_pattern,
)
from domain.callbacks.export import ALL_KECAMATAN, EksporPeriod, EksporStart
from domain.callbacks.lists import (
    INVITE_BUTTONS,
    INVITE_ROLES,
    QUERY_BYTES,
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
    KoperasiAction,
    KoperasiButton,
    PetugasAction,
    PetugasButton,
)
from domain.callbacks.people import (
    BoardChoice,
    BoardSwitch,
    ConsentButton,
    ConsentDecline,
    FormButton,
    ImportAction,
    ImportButton,
    JoinAsk,
    JoinButton,
    JoinPendingList,
    PrivacyAction,
    PrivacyButton,
)
from domain.callbacks.rat import (
    LaporButton,
    StatusButton,
    StatusView,
    VerifyAction,
    VerifyButton,
)
from domain.callbacks.rekap import RekapAction, RekapButton, RekapView
from domain.callbacks.relay import RelayAction, RelayButton, RelaySessionEnd, RelayTopicButton
from domain.callbacks.rollup import ChartButton
from domain.callbacks.siaran import SiaranAction, SiaranButton
from domain.callbacks.visits import (
    FollowUpAction,
    FollowUpButton,
    VisitAction,
    VisitPick,
)

__all__ = [
    "ALL_KECAMATAN",
    "INVITE_BUTTONS",
    "INVITE_ROLES",
    "MAX_CALLBACK_BYTES",
    "MAX_ID",
    "QUERY_BYTES",
    "BoardCheckAction",
    "BoardCheckButton",
    "BoardChoice",
    "BoardSwitch",
    "ChartButton",
    "Codec",
    "ConsentButton",
    "ConsentDecline",
    "EksporPeriod",
    "EksporStart",
    "FollowUpAction",
    "FollowUpButton",
    "FormButton",
    "ImportAction",
    "ImportButton",
    "InviteBulk",
    "InviteBulkAll",
    "InviteBulkMenu",
    "InviteForBoard",
    "InviteForRole",
    "InviteListPage",
    "InviteMenu",
    "InviteOpenList",
    "InviteRevoke",
    "InviteRevokeConfirm",
    "InviteSearchHint",
    "InviteSearchPage",
    "JoinAsk",
    "JoinButton",
    "JoinPendingList",
    "KoperasiAction",
    "KoperasiButton",
    "LaporButton",
    "PetugasAction",
    "PetugasButton",
    "PrivacyAction",
    "PrivacyButton",
    "RekapAction",
    "RekapButton",
    "RekapView",
    "RelayAction",
    "RelayButton",
    "RelaySessionEnd",
    "RelayTopicButton",
    "SiaranAction",
    "SiaranButton",
    "StatusButton",
    "StatusView",
    "VerifyAction",
    "VerifyButton",
    "VisitAction",
    "VisitPick",
    "decode_any",
    "family_pattern",
]
