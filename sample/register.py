"""A seeded, synthetic register of a whole regency, for tests, benchmarks and the sandbox.

    python -m sample.register --koperasi 800 --seed 7 --out contoh.xlsx

Rows have the import template's columns, so a generated file imports as an office's would.
The jenis follow Kabupaten Probolinggo's 2019 mix (docs/rules.md), scaled; about a quarter of the
rows are village cooperatives (KDKMP, founded 2025); RAT history mostly held in the first
quarter, with missed years. Rows are generated one at a time (100,000 need no more memory
than 800), and the same seed always gives the same file. No real person or cooperative.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from config import DEFAULT_KECAMATAN
from domain.register import TEMPLATE_RAT_YEARS, template_columns
from sample.names import address, koperasi_name, villages
from services.register_files import cell_text

# Kabupaten Probolinggo's cooperatives by jenis in 2019 (docs/rules.md#sample-data).
JENIS_MIX_2019 = {"konsumen": 555, "simpan_pinjam": 129, "produsen": 94, "jasa": 4, "pemasaran": 3}
# Village cooperatives (KDKMP) beside the others: up to ~330 next to ~800.
KDKMP_SHARE = 0.28
KELOMPOK_BY_JENIS: dict[str, tuple[tuple[str, int], ...]] = {
    "konsumen": (("KPRI", 35), ("Kopkar", 25), ("Kopontren", 15), ("Kopwan", 10), ("Kopma", 5),
                 ("Lainnya", 10)),
    "simpan_pinjam": (("KSP", 60), ("KSPPS", 30), ("Kopwan", 10)),
    "produsen": (("KUD", 60), ("Lainnya", 40)),
    "jasa": (("Lainnya", 1),),
    "pemasaran": (("Lainnya", 1),),
}  # fmt: skip
FOUNDED = {"KUD": (1975, 1998), "KPRI": (1980, 2012), "Kopkar": (1985, 2018)}
FOUNDED_DEFAULT = (1992, 2024)
MEMBERS = {"KUD": (200, 2500), "KPRI": (80, 700), "KSP": (50, 900), "KDKMP": (20, 350)}
MEMBERS_DEFAULT = (25, 400)
# How cooperatives hold their RAT: (share, missed latest years) — most every year.
RAT_PROFILES = ((0.62, 0), (0.14, 1), (0.08, 2), (0.09, 3), (0.07, -1))  # -1: sporadic
SAMPLE_TODAY = date(2026, 11, 1)
REGENCY_CODE = "3513"  # BPS code of Kabupaten Probolinggo, the NIK koperasi's prefix


def jenis_plan(count: int, rng: random.Random) -> list[str]:
    """`count` cooperative kinds (a jenis, or KDKMP) in the scaled 2019 mix, shuffled."""
    kdkmp = round(count * KDKMP_SHARE)
    regular = count - kdkmp
    total = sum(JENIS_MIX_2019.values())
    quotas = {jenis: regular * n // total for jenis, n in JENIS_MIX_2019.items()}
    # Largest remainders get the rows the floor division left over.
    remainders = sorted(JENIS_MIX_2019, key=lambda j: -(regular * JENIS_MIX_2019[j] % total))
    for jenis in remainders[: regular - sum(quotas.values())]:
        quotas[jenis] += 1
    plan = [jenis for jenis, n in quotas.items() for _ in range(n)] + ["KDKMP"] * kdkmp
    rng.shuffle(plan)
    return plan


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in options], [weight for _, weight in options])[0]


def _date_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def generate_register(
    count: int,
    seed: int,
    *,
    kecamatan: Iterable[str] = DEFAULT_KECAMATAN,
    today: date = SAMPLE_TODAY,
) -> Iterator[dict[str, object]]:
    """`count` synthetic register rows (template column names), deterministic for `seed`."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    places = tuple(kecamatan)
    village_map = villages(rng, places)
    for index, kind in enumerate(jenis_plan(count, rng)):
        yield _row(rng, index, kind, places, village_map, today)


def _row(
    rng: random.Random,
    index: int,
    kind: str,
    places: tuple[str, ...],
    village_map: Mapping[str, list[str]],
    today: date,
) -> dict[str, object]:
    kec_index = rng.randrange(len(places))
    kecamatan = places[kec_index]
    desa = rng.choice(village_map[kecamatan])
    village = kind == "KDKMP"
    jenis = "serba_usaha" if village else kind
    kelompok = "KDKMP" if village else _weighted(rng, KELOMPOK_BY_JENIS[kind])
    founded = _founded(rng, kelompok, village)
    secondary = kelompok in ("KPRI", "KUD") and rng.random() < 0.02
    name = (
        f"Koperasi Desa Merah Putih {desa}"
        if village
        else koperasi_name(rng, kelompok, jenis, kecamatan)
    )
    row: dict[str, object] = {
        "nama": f"{'Pusat ' if secondary else ''}{name}",
        "bentuk": "sekunder" if secondary else "primer",
        "jenis": jenis,
        "kelompok": kelompok,
        "pola": _pola(rng, kelompok),
        "no_badan_hukum": _badan_hukum(index, founded, village),
        "tgl_badan_hukum": founded,
        "desa": desa,
        "alamat": address(rng, desa),
        "kecamatan": kecamatan,
        "akhir_tahun_buku": "30-06" if rng.random() < 0.02 else "31-12",
        "segmen": "kdkmp" if village else rng.choice(("reguler", None)),
    }
    row.update(_identity(rng, index, kec_index, village, today))
    row.update(_members_and_money(rng, kelompok, jenis, today))
    row.update(_rat_history(rng, founded, row["akhir_tahun_buku"] == "30-06", today))
    return row


def _founded(rng: random.Random, kelompok: str, village: bool) -> date:
    """When the legal entity was made: village cooperatives in 2025, KUD the oldest."""
    if village:
        return _date_between(rng, date(2025, 7, 1), date(2025, 10, 31))
    first, last = FOUNDED.get(kelompok, FOUNDED_DEFAULT)
    return _date_between(rng, date(first, 1, 1), date(last, 1, 1))


def _pola(rng: random.Random, kelompok: str) -> str:
    """Sharia for KSPPS and half the pesantren cooperatives."""
    if kelompok == "KSPPS" or (kelompok == "Kopontren" and rng.random() < 0.5):
        return "syariah"
    return "konvensional"


def _badan_hukum(index: int, founded: date, village: bool) -> str:
    """A unique legal number: the regency's style, or AHU's for the 2025 village cooperatives."""
    if village:
        return f"AHU-{index + 1:07d}.AH.01.29.TAHUN {founded.year}"
    return f"{index + 101}/BH/XVI.12/{founded.year}"


def _identity(
    rng: random.Random, index: int, kec_index: int, village: bool, today: date
) -> dict[str, object]:
    """NIK koperasi (unique, 16 digits; newer village cooperatives often without), NIB."""
    has_nik = rng.random() < (0.5 if village else 0.92)
    return {
        "nik_koperasi": f"{REGENCY_CODE}{kec_index + 1:02d}{index + 1:010d}" if has_nik else None,
        "nik_berlaku_sampai": _date_between(
            rng, today - timedelta(days=300), today + timedelta(days=700)
        )
        if has_nik
        else None,
        "nib": f"9120{rng.randrange(10**9):09d}" if rng.random() < 0.6 else None,
    }


def _members_and_money(
    rng: random.Random, kelompok: str, jenis: str, today: date
) -> dict[str, object]:
    low, high = MEMBERS.get(kelompok, MEMBERS_DEFAULT)
    members = rng.randint(low, high)
    women = 0.9 if kelompok == "Kopwan" else rng.uniform(0.25, 0.6)
    money = rng.random() < 0.7
    scale = Decimal(rng.randint(5, 400)) * 1_000_000
    values: dict[str, object] = {
        "anggota_pria": members - round(members * women),
        "anggota_wanita": round(members * women),
        "anggota_per_tanggal": date(today.year - 1, 12, 31),
        "modal_sendiri": scale if money else None,
        "modal_luar": scale * rng.randint(0, 8) // 10 if money else None,
        "aset": scale * rng.randint(12, 25) // 10 if money else None,
        "volume_usaha": scale * rng.randint(5, 30) // 10 if money else None,
        "shu": scale * rng.randint(-2, 12) // 100 if money else None,
    }
    rated = rng.random() < (0.8 if jenis == "simpan_pinjam" else 0.2)
    values["predikat_kesehatan"] = (
        _weighted(
            rng, (("sehat", 40), ("cukup_sehat", 40), ("kurang_sehat", 15), ("tidak_sehat", 5))
        )
        if rated
        else None
    )
    values["predikat_tahun"] = rng.choice((today.year - 2, today.year - 1)) if rated else None
    return values


def _rat_history(
    rng: random.Random, founded: date, mid_year: bool, today: date
) -> dict[str, object]:
    """`rat_<year>` held dates: mostly in the first quarter after the year ends, some missed."""
    roll, missed = rng.random(), 0
    for share, profile_missed in RAT_PROFILES:
        if roll < share:
            missed = profile_missed
            break
        roll -= share
    years = [year for year in TEMPLATE_RAT_YEARS if year >= founded.year]
    history: dict[str, object] = {f"rat_{year}": None for year in TEMPLATE_RAT_YEARS}
    for position, year in enumerate(years):
        from_end = len(years) - position  # 1 for the latest year
        skipped = rng.random() < 0.35 if missed < 0 else from_end <= missed
        if skipped:
            continue
        year_end = date(year, 6, 30) if mid_year else date(year, 12, 31)
        held = year_end + timedelta(days=_rat_delay(rng))
        if held <= today:
            history[f"rat_{year}"] = held
    return history


def _rat_delay(rng: random.Random) -> int:
    """Days from the fiscal-year end to the RAT: Q1 mostly, then Q2, a few later."""
    roll = rng.random()
    if roll < 0.65:
        return rng.randint(20, 90)
    if roll < 0.9:
        return rng.randint(91, 181)
    return rng.randint(182, 360)


def write_register(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    """Writes rows to `path` (.xlsx in write-only mode, else `;`-separated UTF-8 CSV)."""
    header = [column.name for column in template_columns()]
    count = 0
    if path.suffix.lower() == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Koperasi")
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(name) for name in header])
            count += 1
        workbook.save(path)
        return count
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_text(row.get(name)) for name in header])
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """The command line: writes a generated register to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--koperasi", type=int, default=800, help="how many cooperatives")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="FILE.xlsx or FILE.csv")
    args = parser.parse_args(argv)
    written = write_register(args.out, generate_register(args.koperasi, args.seed))
    print(f"{written} cooperatives written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
