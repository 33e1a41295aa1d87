"""Message keys of the codes every screen names: a cooperative's stage and flags, and the
checklist items and milestones a board reports (also named in notes the outbox sends).

One table for the handlers, the forms and the chart labels, so a stage is called the same
everywhere (the codes themselves are the domain's).
"""

from __future__ import annotations

from domain.rat.report import late_year
from locales import N_, Translator

STAGE_KEYS = {
    "BELUM_MULAI": N_("koperasi.stage.belum_mulai"),
    "PERSIAPAN": N_("koperasi.stage.persiapan"),
    "SIAP_RAT": N_("koperasi.stage.siap_rat"),
    "TERJADWAL": N_("koperasi.stage.terjadwal"),
    "RAT_TERLAKSANA": N_("koperasi.stage.rat_terlaksana"),
    "DILAPORKAN": N_("koperasi.stage.dilaporkan"),
    "TERINPUT_ODS": N_("koperasi.stage.terinput_ods"),
}
FLAG_KEYS = {
    "TERLAMBAT_TARGET": N_("koperasi.flag.terlambat_target"),
    "TERLAMBAT_LAPOR": N_("koperasi.flag.terlambat_lapor"),
    "LEWAT_BATAS_UU": N_("koperasi.flag.lewat_batas_uu"),
    "TIDAK_RAT": N_("koperasi.flag.tidak_rat"),
}


ITEM_KEYS = {
    "A1": N_("lapor.item.A1"),
    "A2": N_("lapor.item.A2"),
    "A3": N_("lapor.item.A3"),
    "A4": N_("lapor.item.A4"),
    "A5": N_("lapor.item.A5"),
    "A6": N_("lapor.item.A6"),
    "A7": N_("lapor.item.A7"),
    "A8": N_("lapor.item.A8"),
    "A9": N_("lapor.item.A9"),
    "A10": N_("lapor.item.A10"),
    "A11": N_("lapor.item.A11"),
    "A12": N_("lapor.item.A12"),
    "A13": N_("lapor.item.A13"),
    "A14": N_("lapor.item.A14"),
}
MILESTONE_KEYS = {
    "plan": N_("lapor.milestone.plan"),
    "invite": N_("lapor.milestone.invite"),
    "materials": N_("lapor.milestone.materials"),
    "held": N_("lapor.milestone.held"),
    "minutes": N_("lapor.milestone.minutes"),
    "reported": N_("lapor.milestone.reported"),
    "ods": N_("lapor.milestone.ods"),
}


def target_label(tr: Translator, target: str) -> str:
    """An item ("A4 LPJ pengurus") or a milestone in words; an unknown code as it is."""
    year = late_year(target)
    if year is not None:
        return tr.t("lapor.late", year=str(year))
    if target in MILESTONE_KEYS:
        return tr.t(MILESTONE_KEYS[target])
    if target in ITEM_KEYS:
        return f"{target} {tr.t(ITEM_KEYS[target])}"
    return target
