"""The XLSX export (/ekspor, `bot.py export`): what it covers, its sheets and their columns.

An export is for one **period** — a tahun buku N, whose season runs through the calendar year
N+1 (docs/rules.md#the-rat-cycle) — and for the whole regency or one kecamatan, within the
requester's scope: admins and pimpinan the regency, an officer only the cooperatives assigned
to them, a board none. The *Koperasi* sheet lists every cooperative in scope with the period's
RAT cycle; *Checklist* the checklist of the period's cycles; *Kunjungan* the submitted visits,
*Tindak lanjut* the follow-ups created and *Pesan* the threads active during the season.
Threads are statistics only: no message is stored, and no phone number or username is
exported (docs/privacy.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.access import Role, Viewer
from domain.errors import InputError
from domain.keys import N_
from domain.parsing import normalise_code

# Years offered as buttons: the current period and the two before it.
YEARS_OFFERED = 3
EARLIEST_PERIOD = 2000
LATEST_PERIOD = 2999


class Cell(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header's message key, how cells are written, its width."""

    header_key: str
    cell: Cell = Cell.TEXT
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name (the same in every language) and columns, in order."""

    name: str
    columns: tuple[Column, ...]


def _c(key: str, cell: Cell = Cell.TEXT, width: int = 14) -> Column:
    return Column(key, cell, width)


_KOPERASI_REF = (
    _c(N_("ekspor.kolom.koperasi_id"), Cell.NUMBER, 10),
    _c(N_("ekspor.kolom.nama"), width=36),
    _c(N_("ekspor.kolom.kecamatan"), width=16),
)

KOPERASI = Sheet(
    "Koperasi",
    (
        *_KOPERASI_REF,
        _c(N_("ekspor.kolom.desa"), width=16),
        _c(N_("ekspor.kolom.alamat"), width=30),
        _c(N_("ekspor.kolom.bentuk")),
        _c(N_("ekspor.kolom.jenis"), width=16),
        _c(N_("ekspor.kolom.kelompok")),
        _c(N_("ekspor.kolom.pola")),
        _c(N_("ekspor.kolom.segmen"), width=10),
        _c(N_("ekspor.kolom.no_badan_hukum"), width=24),
        _c(N_("ekspor.kolom.tgl_badan_hukum"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.nik_koperasi"), width=20),
        _c(N_("ekspor.kolom.nik_berlaku_sampai"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.nib"), width=16),
        _c(N_("ekspor.kolom.anggota_pria"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.anggota_wanita"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.anggota_per_tanggal"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.akhir_tahun_buku"), width=10),
        _c(N_("ekspor.kolom.modal_sendiri"), Cell.NUMBER, 16),
        _c(N_("ekspor.kolom.modal_luar"), Cell.NUMBER, 16),
        _c(N_("ekspor.kolom.aset"), Cell.NUMBER, 16),
        _c(N_("ekspor.kolom.volume_usaha"), Cell.NUMBER, 16),
        _c(N_("ekspor.kolom.shu"), Cell.NUMBER, 16),
        _c(N_("ekspor.kolom.wajib_audit"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.predikat_kesehatan"), width=16),
        _c(N_("ekspor.kolom.predikat_tahun"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.petugas"), width=24),
        _c(N_("ekspor.kolom.sumber_data"), width=16),
        _c(N_("ekspor.kolom.status_aktivitas"), width=18),
        _c(N_("ekspor.kolom.tahap"), width=18),
        _c(N_("ekspor.kolom.terlambat_target"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.terlambat_lapor"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.lewat_batas_uu"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.tidak_rat"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.rat_terakhir"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.rat_terakhir_tahun_buku"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.periode_tahap"), width=18),
        _c(N_("ekspor.kolom.periode_target"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.periode_rencana"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.periode_diadakan"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.periode_dilaporkan"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.periode_ods"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.periode_butir_checklist"), Cell.NUMBER, 10),
    ),
)

CHECKLIST = Sheet(
    "Checklist",
    (
        *_KOPERASI_REF,
        _c(N_("ekspor.kolom.tahun_buku"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.butir"), width=8),
        _c(N_("ekspor.kolom.status"), width=12),
        _c(N_("ekspor.kolom.dicatat_petugas"), Cell.YES_NO, 10),
        _c(N_("ekspor.kolom.verifikasi"), width=12),
        _c(N_("ekspor.kolom.diperbarui"), Cell.DATETIME, 17),
    ),
)

KUNJUNGAN = Sheet(
    "Kunjungan",
    (
        _c(N_("ekspor.kolom.kunjungan_id"), Cell.NUMBER, 10),
        *_KOPERASI_REF,
        _c(N_("ekspor.kolom.petugas"), width=24),
        _c(N_("ekspor.kolom.waktu_kunjungan"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.jenis_kunjungan"), width=16),
        _c(N_("ekspor.kolom.poac"), width=6),
        _c(N_("ekspor.kolom.kesiapan"), width=18),
        _c(N_("ekspor.kolom.versi"), Cell.NUMBER, 8),
        _c(N_("ekspor.kolom.dikirim"), Cell.DATETIME, 17),
    ),
)

TINDAK_LANJUT = Sheet(
    "Tindak lanjut",
    (
        _c(N_("ekspor.kolom.tindak_lanjut_id"), Cell.NUMBER, 10),
        *_KOPERASI_REF,
        _c(N_("ekspor.kolom.kunjungan_id"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.uraian"), width=40),
        _c(N_("ekspor.kolom.pelaksana"), width=12),
        _c(N_("ekspor.kolom.jatuh_tempo"), Cell.DATE, 13),
        _c(N_("ekspor.kolom.dibuat"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.selesai"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.catatan_selesai"), width=30),
    ),
)

PESAN = Sheet(
    "Pesan",
    (
        _c(N_("ekspor.kolom.percakapan_id"), Cell.NUMBER, 10),
        *_KOPERASI_REF,
        _c(N_("ekspor.kolom.topik"), width=12),
        _c(N_("ekspor.kolom.status"), width=10),
        _c(N_("ekspor.kolom.petugas"), width=24),
        _c(N_("ekspor.kolom.dibuka"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.pesan_pengurus"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.pesan_petugas"), Cell.NUMBER, 10),
        _c(N_("ekspor.kolom.pesan_terakhir"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.menunggu_sejak"), Cell.DATETIME, 17),
        _c(N_("ekspor.kolom.ditutup"), Cell.DATETIME, 17),
    ),
)

SHEETS: tuple[Sheet, ...] = (KOPERASI, CHECKLIST, KUNJUNGAN, TINDAK_LANJUT, PESAN)


@dataclass(frozen=True)
class ExportScope:
    """Which rows an export may hold: a period, a kecamatan (None: all), an officer's own."""

    tahun_buku: int
    kecamatan: str | None = None
    # Set for an officer: only the cooperatives assigned to them.
    petugas_id: int | None = None


def may_export(viewer: Viewer) -> bool:
    """Admins, pimpinan and officers export; boards and strangers do not."""
    return viewer.has(Role.ADMIN, Role.PIMPINAN, Role.PETUGAS)


def scope_for(viewer: Viewer, tahun_buku: int, kecamatan: str | None) -> ExportScope | None:
    """The viewer's scope for this period and kecamatan (docs/rules.md#roles-and-scope).

    Admins and pimpinan: the regency; an officer (who is neither): their cooperatives;
    anyone else: None.
    """
    if viewer.has(Role.ADMIN, Role.PIMPINAN):
        return ExportScope(tahun_buku, kecamatan)
    if viewer.has(Role.PETUGAS) and viewer.person_id is not None:
        return ExportScope(tahun_buku, kecamatan, viewer.person_id)
    return None


def default_period(today: date) -> int:
    """The tahun buku whose season is running: last year's (a 31 December year end)."""
    return today.year - 1


def periods_offered(today: date) -> list[int]:
    """The periods offered as buttons, the current one first."""
    current = default_period(today)
    return [current - back for back in range(YEARS_OFFERED)]


def season_window(tahun_buku: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The season of `tahun_buku` as UTC instants: from 1 January of the next year (local time)
    up to, not including, 1 January of the year after."""
    start = datetime.combine(date(tahun_buku + 1, 1, 1), time(), tz)
    end = datetime.combine(date(tahun_buku + 2, 1, 1), time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class ExportArgs:
    """What `/ekspor` arguments named: a period and a kecamatan (None: not given)."""

    tahun_buku: int | None = None
    kecamatan: str | None = None
    all_kecamatan: bool = False


ALL_WORDS = frozenset({"semua", "all"})


def parse_args(words: list[str], kecamatan: list[str]) -> ExportArgs:
    """`/ekspor 2025 Dringu`: a year and a kecamatan in any order (`semua`/`all`: every one).

    Raises InputError naming a word that is neither.
    """
    year: int | None = None
    chosen: str | None = None
    every = False
    by_code = {normalise_code(name): name for name in kecamatan}
    rest = " ".join(words).strip()
    for word in rest.split():
        if word.isascii() and word.isdigit() and len(word) == 4:
            value = int(word)
            if not EARLIEST_PERIOD <= value <= LATEST_PERIOD:
                raise InputError(N_("ekspor.args.bad_year"), word=word)
            year = value
    others = " ".join(w for w in rest.split() if not (w.isascii() and w.isdigit() and len(w) == 4))
    if others:
        code = normalise_code(others)
        if code in ALL_WORDS:
            every = True
        elif code in by_code:
            chosen = by_code[code]
        else:
            raise InputError(N_("ekspor.args.unknown"), word=others)
    return ExportArgs(year, chosen, every)


def export_filename(scope: ExportScope, today: date) -> str:
    """`ekspor-2025-dringu-20260305.xlsx`: the period, the kecamatan, the day.

    Only ASCII letters and digits of the kecamatan: the file is saved on phones and Windows
    desktops, which refuse `<>:"/\\|?*`, and the name is also the worker's path.
    """
    place = "semua"
    if scope.kecamatan:
        place = re.sub(r"[^a-z0-9]", "", normalise_code(scope.kecamatan)) or "kecamatan"
    return f"ekspor-{scope.tahun_buku}-{place}-{today:%Y%m%d}.xlsx"


# Telegram's limit for a file a bot uploads (sendDocument), 50 MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def fits_upload(size: int) -> bool:
    """Whether a file of `size` bytes may be sent by a bot."""
    return size <= MAX_UPLOAD_BYTES


def percent(done: int, total: int) -> int:
    """Progress in whole percent (100 for nothing to do)."""
    if total <= 0:
        return 100
    return min(100, done * 100 // total)
