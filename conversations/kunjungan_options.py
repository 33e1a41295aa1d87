"""The options of the visit form (`conversations.kunjungan`), with their labels."""

from __future__ import annotations

from conversations.spec import Option
from domain.kunjungan import OWNER_KEYS, Jenis, OwnerKind, Panjang, Poac, QuickTime, Verdict
from locales import N_

LENGTHS = [
    Option(Panjang.SINGKAT, N_("kunjungan.panjang.singkat")),
    Option(Panjang.LENGKAP, N_("kunjungan.panjang.lengkap")),
]
TYPES = [
    Option(Jenis.IDENTIFIKASI, N_("kunjungan.jenis.identifikasi")),
    Option(Jenis.ORGANISASI, N_("kunjungan.jenis.organisasi")),
    Option(Jenis.USAHA, N_("kunjungan.jenis.usaha")),
    Option(Jenis.KEUANGAN, N_("kunjungan.jenis.keuangan")),
    Option(Jenis.MONEV, N_("kunjungan.jenis.monev")),
    Option(Jenis.REAKTIVASI, N_("kunjungan.jenis.reaktivasi")),
    Option(Jenis.LAINNYA, N_("kunjungan.jenis.lainnya")),
]
VERDICTS = [
    Option(Verdict.SIAP, N_("kunjungan.verdict.siap")),
    Option(Verdict.PERLU_PENDAMPINGAN, N_("kunjungan.verdict.perlu_pendampingan")),
    Option(Verdict.BELUM_SIAP, N_("kunjungan.verdict.belum_siap")),
]
QUICK_TIMES = [
    Option(QuickTime.SEKARANG, N_("kunjungan.waktu.sekarang")),
    Option(QuickTime.TADI_PAGI, N_("kunjungan.waktu.tadi_pagi")),
    Option(QuickTime.KEMARIN, N_("kunjungan.waktu.kemarin")),
]
OWNERS = [Option(o.value, OWNER_KEYS[o]) for o in OwnerKind]
MORE = [
    Option("tambah", N_("kunjungan.more.tambah")),
    Option("lanjut", N_("kunjungan.more.lanjut")),
]
POAC_OPTIONS = [
    Option(Poac.P, N_("poac.P")),
    Option(Poac.O, N_("poac.O")),
    Option(Poac.A, N_("poac.A")),
    Option(Poac.C, N_("poac.C")),
]


def label_key(options: list[Option], code: object) -> str:
    """The label key of the option stored as `code` (the code itself if none matches)."""
    for option in options:
        if option.code == code and option.label_key is not None:
            return option.label_key
    return str(code)
