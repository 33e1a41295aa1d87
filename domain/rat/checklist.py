"""The RAT readiness checklist of one cycle: items, states, progress, audit rule.

Which items a cycle has, and which are mandatory, is frozen in its `ChecklistSpec` when the
cycle is created (from configuration); the states live in the stored checklist entries.
A mandatory item marked *tidak berlaku* (not applicable) counts as satisfied: the office
decides in configuration which items are mandatory, the board says where one does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from domain.errors import InputError
from domain.keys import N_
from domain.register import SEGMEN_KDKMP

BELUM = "belum"
PROSES = "proses"
SELESAI = "selesai"
TIDAK_BERLAKU = "tidak_berlaku"
ITEM_STATES = (BELUM, PROSES, SELESAI, TIDAK_BERLAKU)
SATISFIED = frozenset({SELESAI, TIDAK_BERLAKU})
# The item whose completion (with its date) marks TERJADWAL (docs/rules.md#stages).
INVITATIONS_ITEM = "A11"
SPEC_VERSION = 1


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a cycle's checklist and whether it is mandatory before SIAP_RAT."""

    code: str
    mandatory: bool


@dataclass(frozen=True)
class ChecklistSpec:
    """The items of one cycle, in display order, as frozen at the cycle's creation."""

    items: tuple[ChecklistItem, ...]

    # Cached: the daily recompute reads them for every cooperative.
    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Every item code, in order."""
        return tuple(item.code for item in self.items)

    @cached_property
    def mandatory_codes(self) -> tuple[str, ...]:
        """The codes that must be satisfied before SIAP_RAT."""
        return tuple(item.code for item in self.items if item.mandatory)

    def to_json(self) -> dict[str, Any]:
        """The spec as stored in `rat_cycle.checklist_spec`."""
        items = [{"code": item.code, "mandatory": item.mandatory} for item in self.items]
        return {"version": SPEC_VERSION, "items": items}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChecklistSpec:
        """The spec of a stored cycle; a cycle seeded from the register's history has none."""
        items = data.get("items")
        if not isinstance(items, list):
            return cls(())
        return cls(tuple(ChecklistItem(str(i["code"]), bool(i["mandatory"])) for i in items))


@dataclass(frozen=True)
class Progress:
    """Checklist progress as the status card shows it: satisfied mandatory / mandatory."""

    done: int
    mandatory: int
    selesai_total: int  # every item done, mandatory or not

    @property
    def complete(self) -> bool:
        """Every mandatory item satisfied."""
        return self.done == self.mandatory


def progress(spec: ChecklistSpec, states: Mapping[str, str]) -> Progress:
    """Progress of a cycle; `states` maps item code to state, a missing item is `belum`."""
    mandatory = spec.mandatory_codes
    done = len([code for code in mandatory if states.get(code) in SATISFIED])
    selesai = len([code for code in spec.codes if states.get(code) == SELESAI])
    return Progress(done=done, mandatory=len(mandatory), selesai_total=selesai)


def open_items(spec: ChecklistSpec, states: Mapping[str, str]) -> tuple[str, ...]:
    """The items still open (neither done nor not applicable), in order: the /lapor menu."""
    return tuple(code for code in spec.codes if states.get(code, BELUM) not in SATISFIED)


def check_item_state(value: str, spec: ChecklistSpec, code: str) -> str:
    """`value` if it is a state and `code` an item of this cycle's checklist, else InputError."""
    if code not in spec.codes:
        raise InputError(N_("rat.error.unknown_item"), item=code)
    if value not in ITEM_STATES:
        raise InputError(N_("rat.error.unknown_item_state"))
    return value


@dataclass(frozen=True)
class AuditRule:
    """When an external audit is mandatory (Permenkop 2/2024; confirm with the office)."""

    jenis: frozenset[str]
    min_capital: Decimal


def derive_wajib_audit(jenis: str | None, modal_sendiri: Decimal | None, rule: AuditRule) -> bool:
    """Whether an audit is mandatory: a savings-and-loan jenis with capital at the threshold.

    The result is only the suggested value: the office may edit the stored `wajib_audit`.
    """
    if jenis not in rule.jenis or modal_sendiri is None:
        return False
    return modal_sendiri >= rule.min_capital


def checklist_for(
    codes: Iterable[str], mandatory: Iterable[str], audit_item: str, wajib_audit: bool
) -> ChecklistSpec:
    """A cooperative's checklist: the audit item is mandatory only where an audit is."""
    required = set(mandatory)
    if wajib_audit:
        required.add(audit_item)
    return ChecklistSpec(tuple(ChecklistItem(code, code in required) for code in codes))


def evidence_requested(segmen: str | None) -> bool:
    """Whether item prompts ask for evidence files.

    Village cooperatives (KDKMP) report in SIMKOPDES: Gempur tracks their status and mentoring
    but asks for no duplicate uploads (docs/rules.md#the-register).
    """
    return segmen != SEGMEN_KDKMP


def reporting_system(segmen: str | None) -> str:
    """Where the RAT is entered after reporting: `simkopdes` for KDKMP, else `ods`."""
    return "simkopdes" if segmen == SEGMEN_KDKMP else "ods"
