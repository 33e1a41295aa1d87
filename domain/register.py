"""The cooperative register as an import file (docs/rules.md#the-register): codes, columns, header.

Headers and coded values match ignoring case, spaces, hyphens and underscores
(`Simpan Pinjam` → `simpan_pinjam`, `Kota Anyar` → `Kotaanyar`), through `normalise_code`.
Rows are read by `domain.register_rows`, matched against the stored register by
`domain.register_match`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InputError
from domain.keys import N_
from domain.parsing import normalise_code

BENTUK = ("primer", "sekunder")
JENIS = ("produsen", "konsumen", "pemasaran", "jasa", "simpan_pinjam", "serba_usaha")
# A free list: other values are kept as typed; these spellings seed it (docs/rules.md#columns).
KELOMPOK = (
    "KUD",
    "KPRI",
    "Kopkar",
    "Kopontren",
    "Kopwan",
    "Kopma",
    "KSP",
    "KSPPS",
    "KDKMP",
    "Lainnya",
)
KDKMP = "KDKMP"
POLA = ("konvensional", "syariah")
SEGMEN = ("reguler", "kdkmp")
SEGMEN_KDKMP = "kdkmp"
# The activity status the office sets in the register; AKTIF: none (the recompute decides).
AKTIF = "AKTIF"
STATUS_KANTOR = (AKTIF, "DALAM_PEMBUBARAN", "BUBAR")
PREDIKAT = ("sehat", "cukup_sehat", "kurang_sehat", "tidak_sehat")

# RAT history columns are `rat_<tahun buku>`; the template offers these years.
RAT_PREFIX = "rat_"
TEMPLATE_RAT_YEARS = (2023, 2024, 2025)
_RAT_HEADER = re.compile(r"rat(?P<year>(?:19|20|21)\d\d)", re.ASCII)

CSV, XLSX = "csv", "xlsx"
_MIME_KINDS = {
    "text/csv": CSV,
    "text/comma-separated-values": CSV,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX,
}


class Kind(StrEnum):
    """How a column's cells are read."""

    TEXT = "text"
    IDENTIFIER = "identifier"  # a number written as text: digits must survive exactly
    CODE = "code"  # one of `Column.codes`
    KELOMPOK = "kelompok"  # the free list
    KECAMATAN = "kecamatan"  # one of the configured kecamatan
    DATE = "date"
    PAST_DATE = "past_date"
    COUNT = "count"
    YEAR = "year"
    AMOUNT = "amount"
    SIGNED_AMOUNT = "signed_amount"  # SHU may be a loss
    FISCAL_YEAR_END = "fiscal_year_end"  # dd-mm
    RAT = "rat"  # the held date of a year's RAT
    QUORUM = "quorum"  # the AD's quorum rule: `> 1/2`, `>= 2/3`, `> 50%`


@dataclass(frozen=True)
class Column:
    """A column of the import file: its header, how it is read and its help in the template."""

    name: str
    kind: Kind
    help_key: str
    example: str = ""
    required: bool = False
    max_length: int = 0
    codes: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("nama", Kind.TEXT, N_("impor.kolom.nama"), "KSU Contoh Sejahtera", True, 255),
    Column("bentuk", Kind.CODE, N_("impor.kolom.bentuk"), "primer", codes=BENTUK),
    Column("jenis", Kind.CODE, N_("impor.kolom.jenis"), "serba_usaha", codes=JENIS),
    Column("kelompok", Kind.KELOMPOK, N_("impor.kolom.kelompok"), "Lainnya", max_length=32),
    Column("pola", Kind.CODE, N_("impor.kolom.pola"), "konvensional", codes=POLA),
    Column(
        "no_badan_hukum",
        Kind.IDENTIFIER,
        N_("impor.kolom.no_badan_hukum"),
        "188/BH/XVI.12/2016",
        max_length=100,
    ),
    Column("tgl_badan_hukum", Kind.PAST_DATE, N_("impor.kolom.tgl_badan_hukum"), "14-03-2016"),
    Column(
        "nik_koperasi",
        Kind.IDENTIFIER,
        N_("impor.kolom.nik_koperasi"),
        "3513040000000001",
        max_length=64,
    ),
    Column("nik_berlaku_sampai", Kind.DATE, N_("impor.kolom.nik_berlaku_sampai"), "30-06-2027"),
    Column("nib", Kind.IDENTIFIER, N_("impor.kolom.nib"), "9120001234567", max_length=32),
    Column("alamat", Kind.TEXT, N_("impor.kolom.alamat"), "Jl. Contoh No. 1", max_length=500),
    Column("desa", Kind.TEXT, N_("impor.kolom.desa"), "Contoh", max_length=100),
    Column("kecamatan", Kind.KECAMATAN, N_("impor.kolom.kecamatan"), "Dringu", True),
    Column("anggota_pria", Kind.COUNT, N_("impor.kolom.anggota_pria"), "120"),
    Column("anggota_wanita", Kind.COUNT, N_("impor.kolom.anggota_wanita"), "85"),
    Column("anggota_per_tanggal", Kind.PAST_DATE, N_("impor.kolom.anggota_per_tanggal"), ""),
    Column("akhir_tahun_buku", Kind.FISCAL_YEAR_END, N_("impor.kolom.akhir_tahun_buku"), "31-12"),
    Column("modal_sendiri", Kind.AMOUNT, N_("impor.kolom.modal_sendiri"), "250.000.000"),
    Column("modal_luar", Kind.AMOUNT, N_("impor.kolom.modal_luar"), "50.000.000"),
    Column("aset", Kind.AMOUNT, N_("impor.kolom.aset"), "300.000.000"),
    Column("volume_usaha", Kind.AMOUNT, N_("impor.kolom.volume_usaha"), "420.000.000"),
    Column("shu", Kind.SIGNED_AMOUNT, N_("impor.kolom.shu"), "12.500.000"),
    Column(
        "predikat_kesehatan",
        Kind.CODE,
        N_("impor.kolom.predikat_kesehatan"),
        "cukup_sehat",
        codes=PREDIKAT,
    ),
    Column("predikat_tahun", Kind.YEAR, N_("impor.kolom.predikat_tahun"), "2025"),
    Column("segmen", Kind.CODE, N_("impor.kolom.segmen"), "reguler", codes=SEGMEN),
    # The AD's quorum: whether a RAT held was quorate is computed from it (default > 1/2).
    Column("quorum_rule", Kind.QUORUM, N_("impor.kolom.quorum_rule"), "> 1/2", max_length=32),
    # Set by the office (docs/rules.md#activity-status); `AKTIF` hands it back to the recompute.
    Column(
        "status_aktivitas", Kind.CODE, N_("impor.kolom.status_aktivitas"), "", codes=STATUS_KANTOR
    ),
)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
RAT_HELP_KEY = N_("impor.kolom.rat")
# Examples of the template's RAT columns: a RAT held each year in the first quarter.
RAT_EXAMPLES = {2023: "20-02-2024", 2024: "15-03-2025", 2025: ""}


def rat_column(year: int) -> Column:
    """The column `rat_<year>`: the date the RAT for tahun buku `year` was held."""
    return Column(f"{RAT_PREFIX}{year}", Kind.RAT, RAT_HELP_KEY, RAT_EXAMPLES.get(year, ""))


def template_columns() -> list[Column]:
    """The template's columns, in order."""
    return [*COLUMNS, *(rat_column(year) for year in TEMPLATE_RAT_YEARS)]


def rat_year(column_name: str) -> int | None:
    """The tahun buku of a `rat_<year>` column name, None for any other column."""
    match = _RAT_HEADER.fullmatch(normalise_code(column_name))
    return int(match["year"]) if match else None


@dataclass(frozen=True)
class Header:
    """Which cell of a row holds which column; headers we do not know are ignored."""

    columns: dict[int, Column]
    ignored: tuple[str, ...] = ()

    def has(self, name: str) -> bool:
        """Whether the file has the column `name`."""
        return any(column.name == name for column in self.columns.values())

    def rat_years(self) -> list[int]:
        """The tahun buku of the file's `rat_<year>` columns."""
        found = (rat_year(column.name) for column in self.columns.values())
        return [year for year in found if year is not None]


_HEADER_NAMES = {normalise_code(column.name): column for column in COLUMNS}


def read_header(cells: Sequence[object]) -> Header:
    """The header row's columns; raises InputError for a missing required or repeated column."""
    columns: dict[int, Column] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        year = rat_year(text)
        column = rat_column(year) if year is not None else _HEADER_NAMES.get(normalise_code(text))
        if column is None:
            ignored.append(text)
            continue
        if any(known.name == column.name for known in columns.values()):
            raise InputError(N_("impor.file.duplicate_column"), column=column.name)
        columns[index] = column
    header = Header(columns, tuple(ignored))
    for column in COLUMNS:
        if column.required and not header.has(column.name):
            raise InputError(N_("impor.file.missing_column"), column=column.name)
    return header


def file_kind(name: str | None, mime_type: str | None = None) -> str | None:
    """`csv` or `xlsx` by the file's extension (else its MIME type); None for anything else."""
    suffix = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    if suffix in (CSV, XLSX):
        return suffix
    if not suffix:
        return _MIME_KINDS.get((mime_type or "").lower())
    return None


def match_code(value: str, codes: tuple[str, ...]) -> str | None:
    """The code among `codes` that `value` spells, ignoring case, spaces and underscores."""
    return _spellings(codes).get(normalise_code(value))


@functools.cache
def _spellings(codes: tuple[str, ...]) -> dict[str, str]:
    """Each code by its normalised spelling (computed once per list of codes)."""
    return {normalise_code(code): code for code in codes}
