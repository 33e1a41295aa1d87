"""Message keys of the codes every screen names: a cooperative's stage and flags.

One table for the handlers, the forms and the chart labels, so a stage is called the same
everywhere (the codes themselves are the domain's).
"""

from __future__ import annotations

from locales import N_

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
