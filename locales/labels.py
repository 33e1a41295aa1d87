"""Message keys of the codes every screen names, one table per code: a cooperative's stage,
flags and jenis, a checklist item and its state, a milestone a board reports, the way a RAT was
held (also named in notes the outbox sends).

One table for the handlers, the forms, the cards and the chart labels, so a code is called the
same everywhere (the codes themselves are the domain's). A code missing from its table is
shown as it is stored.
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
#: The register's *jenis koperasi* (`domain.register.JENIS`).
JENIS_KEYS = {
    "produsen": N_("koperasi.value.jenis.produsen"),
    "konsumen": N_("koperasi.value.jenis.konsumen"),
    "pemasaran": N_("koperasi.value.jenis.pemasaran"),
    "jasa": N_("koperasi.value.jenis.jasa"),
    "simpan_pinjam": N_("koperasi.value.jenis.simpan_pinjam"),
    "serba_usaha": N_("koperasi.value.jenis.serba_usaha"),
}
#: The default checklist's item names (`domain.rat.checklist`); another code has no name.
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
#: A checklist item's state (`domain.rat.checklist.ITEM_STATES`).
ITEM_STATE_KEYS = {
    "belum": N_("lapor.state.belum"),
    "proses": N_("lapor.state.proses"),
    "selesai": N_("lapor.state.selesai"),
    "tidak_berlaku": N_("lapor.state.tidak_berlaku"),
}
#: How the RAT was held (`domain.rat.validation.MODES`).
RAT_MODE_KEYS = {
    "luring": N_("status.mode.luring"),
    "daring": N_("status.mode.daring"),
    "hybrid": N_("status.mode.hybrid"),
    "tertulis": N_("status.mode.tertulis"),
}
#: The RAT's milestones a board reports (`domain.rat.report.MILESTONES`).
MILESTONE_KEYS = {
    "plan": N_("lapor.milestone.plan"),
    "invite": N_("lapor.milestone.invite"),
    "materials": N_("lapor.milestone.materials"),
    "held": N_("lapor.milestone.held"),
    "minutes": N_("lapor.milestone.minutes"),
    "reported": N_("lapor.milestone.reported"),
    "ods": N_("lapor.milestone.ods"),
}
#: For a KDKMP cooperative, which reports in SIMKOPDES (`domain.rat.checklist.reporting_system`).
SIMKOPDES_KEYS = {
    "TERINPUT_ODS": N_("koperasi.stage.terinput_simkopdes"),
    "ods": N_("lapor.milestone.simkopdes"),
}


def stage_label(tr: Translator, tahap: str, system: str = "ods") -> str:
    """The translated stage (`system` "simkopdes": a KDKMP cooperative's, "entered in
    SIMKOPDES" rather than ODS)."""
    if system == "simkopdes" and tahap in SIMKOPDES_KEYS:
        return tr.t(SIMKOPDES_KEYS[tahap])
    return tr.t(STAGE_KEYS.get(tahap, STAGE_KEYS["BELUM_MULAI"]))


def target_label(tr: Translator, target: str, system: str = "ods") -> str:
    """An item ("A4 LPJ pengurus") or a milestone in words; an unknown code as it is.
    `system`: where the cooperative reports (a KDKMP cooperative's ODS milestone names
    SIMKOPDES)."""
    year = late_year(target)
    if year is not None:
        return tr.t("lapor.late", year=str(year))
    if system == "simkopdes" and target in SIMKOPDES_KEYS:
        return tr.t(SIMKOPDES_KEYS[target])
    if target in MILESTONE_KEYS:
        return tr.t(MILESTONE_KEYS[target])
    if target in ITEM_KEYS:
        return f"{target} {tr.t(ITEM_KEYS[target])}"
    return target
