"""Stored values of the cooperative record in the reader's words: codes to labels, blanks, dates.

Returns raw text for user-supplied values (the translator escapes them as parameters) and
`Safe` for text that comes from the catalogues.
"""

from __future__ import annotations

from datetime import date

from locales import N_, Safe, Translator
from locales.labels import JENIS_KEYS

FIELD_KEYS = {
    "bentuk": N_("koperasi.field.bentuk"),
    "jenis": N_("koperasi.field.jenis"),
    "kelompok": N_("koperasi.field.kelompok"),
    "pola": N_("koperasi.field.pola"),
    "no_badan_hukum": N_("koperasi.field.no_badan_hukum"),
    "nik_koperasi": N_("koperasi.field.nik_koperasi"),
    "alamat": N_("koperasi.field.alamat"),
    "desa": N_("koperasi.field.desa"),
    "kecamatan": N_("koperasi.field.kecamatan"),
    "anggota": N_("koperasi.field.anggota"),
    "fye": N_("koperasi.field.fye"),
    "segmen": N_("koperasi.field.segmen"),
    "status_aktivitas": N_("koperasi.field.status_aktivitas"),
}

# (field, stored code) -> label; a code not listed here is shown as stored.
CODE_KEYS = {
    ("bentuk", "primer"): N_("koperasi.value.bentuk.primer"),
    ("bentuk", "sekunder"): N_("koperasi.value.bentuk.sekunder"),
    **{("jenis", code): key for code, key in JENIS_KEYS.items()},
    ("pola", "konvensional"): N_("koperasi.value.pola.konvensional"),
    ("pola", "syariah"): N_("koperasi.value.pola.syariah"),
    ("segmen", "reguler"): N_("koperasi.value.segmen.reguler"),
    ("segmen", "KDKMP"): N_("koperasi.value.segmen.kdkmp"),
    ("status_aktivitas", "BARU"): N_("koperasi.value.aktivitas.baru"),
    ("status_aktivitas", "AKTIF_RAT"): N_("koperasi.value.aktivitas.aktif_rat"),
    ("status_aktivitas", "AKTIF_BELUM_RAT"): N_("koperasi.value.aktivitas.aktif_belum_rat"),
    ("status_aktivitas", "RAWAN"): N_("koperasi.value.aktivitas.rawan"),
    ("status_aktivitas", "TIDAK_AKTIF"): N_("koperasi.value.aktivitas.tidak_aktif"),
    ("status_aktivitas", "DALAM_PEMBUBARAN"): N_("koperasi.value.aktivitas.dalam_pembubaran"),
    ("status_aktivitas", "BUBAR"): N_("koperasi.value.aktivitas.bubar"),
    ("jabatan", "ketua"): N_("koperasi.value.jabatan.ketua"),
    ("jabatan", "sekretaris"): N_("koperasi.value.jabatan.sekretaris"),
    ("jabatan", "bendahara"): N_("koperasi.value.jabatan.bendahara"),
    ("jabatan", "manajer"): N_("koperasi.value.jabatan.manajer"),
    ("jabatan", "pengawas"): N_("koperasi.value.jabatan.pengawas"),
    ("jabatan", "lainnya"): N_("koperasi.value.jabatan.lainnya"),
}

# A leap year, so a fiscal year ending 29 February can be shown.
_ANY_LEAP_YEAR = 2000


def field_label(tr: Translator, field: str) -> str:
    """The label of a profile field."""
    return tr.t(FIELD_KEYS[field])


def person_name(tr: Translator, name: str | None) -> str:
    """A person's name as stored, or "(tanpa nama)" after erasure or before it is known."""
    return name if name else Safe(tr.t("koperasi.person.no_name"))


def field_value(tr: Translator, field: str, value: object) -> str:
    """One profile value as text: a label for a known code, "—" when blank."""
    if field == "anggota" and isinstance(value, tuple):
        pria, wanita = value
        if pria is None and wanita is None:
            return Safe(tr.t("koperasi.card.empty_value"))
        total = (pria or 0) + (wanita or 0)
        return Safe(tr.t("koperasi.card.anggota", total=total, pria=pria or 0, wanita=wanita or 0))
    if field == "fye" and isinstance(value, tuple):
        month, day = value
        return Safe(tr.date(date(_ANY_LEAP_YEAR, month, day), "d MMMM"))
    if value is None or value == "":
        return Safe(tr.t("koperasi.card.empty_value"))
    key = CODE_KEYS.get((field, str(value)))
    return Safe(tr.t(key)) if key is not None else str(value)
