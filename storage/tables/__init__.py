"""All tables; importing this package registers every table on ``Base.metadata``."""

from storage.tables.base import NAMING_CONVENTION, Base, JsonDict
from storage.tables.koperasi import Koperasi
from storage.tables.kunjungan import Kunjungan, KunjunganVersion, TindakLanjut
from storage.tables.messaging import (
    Broadcast,
    Outbox,
    OutboxFile,
    RelaySession,
    Thread,
    ThreadMessage,
)
from storage.tables.people import Invite, InviteUse, JoinRequest, Person, RoleGrant, TermSeen
from storage.tables.rat_cycle import ChecklistEntry, CycleChange, Evidence, RatCycle
from storage.tables.system import (
    AuditLog,
    FormSession,
    LeaderLease,
    ProcessedUpdate,
    RollupSnapshot,
    SchedulerRun,
)

metadata = Base.metadata

__all__ = [
    "NAMING_CONVENTION",
    "AuditLog",
    "Base",
    "Broadcast",
    "ChecklistEntry",
    "CycleChange",
    "Evidence",
    "FormSession",
    "Invite",
    "InviteUse",
    "JoinRequest",
    "JsonDict",
    "Koperasi",
    "Kunjungan",
    "KunjunganVersion",
    "LeaderLease",
    "Outbox",
    "OutboxFile",
    "Person",
    "ProcessedUpdate",
    "RatCycle",
    "RelaySession",
    "RoleGrant",
    "RollupSnapshot",
    "SchedulerRun",
    "TermSeen",
    "Thread",
    "ThreadMessage",
    "TindakLanjut",
    "metadata",
]
