"""Word lists for synthetic sample data: cooperative, village, street and person names.

Everything here is made up by combining common Indonesian words; no list names a real person,
and the generated cooperatives and villages are not the regency's real ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable

WORDS = (
    "Makmur", "Sejahtera", "Mandiri", "Jaya", "Sentosa", "Abadi", "Lestari", "Mulia",
    "Bersama", "Harapan", "Karya", "Usaha", "Bina", "Mitra", "Sumber", "Tunas", "Mekar",
    "Rukun", "Maju", "Agung", "Bahagia", "Amanah", "Utama", "Sejati", "Barokah", "Santosa",
    "Gemilang", "Sentral", "Berkah", "Manunggal",
)  # fmt: skip
PESANTREN = (
    "Al-Hikmah", "Nurul Huda", "Darul Ulum", "Al-Falah", "Miftahul Ulum", "Al-Amin",
    "Raudlatul Ulum", "Al-Ishlah", "Darussalam", "Baitul Hikmah", "Nurul Iman", "Al-Furqon",
)  # fmt: skip
SYARIAH = (
    "Al-Amanah", "Barokah", "Mitra Ummat", "Rahmah", "Hidayah", "Bina Insani", "Ukhuwah",
    "Ar-Rahmah", "Maslahah", "Al-Ikhlas",
)  # fmt: skip
FLOWERS = (
    "Melati", "Srikandi", "Mawar", "Anggrek", "Cempaka", "Dahlia", "Kenanga", "Wijaya Kusuma",
    "Teratai", "Seruni",
)  # fmt: skip
COMMODITIES = (
    "Tembakau", "Mangga", "Bawang Merah", "Susu Sapi", "Anggur", "Kopi", "Garam", "Jagung",
    "Ikan", "Kentang",
)  # fmt: skip
STREETS = (
    "Raya", "Pahlawan", "Merdeka", "Diponegoro", "Sudirman", "Veteran", "Pattimura", "Kartini",
    "Gajah Mada", "Hayam Wuruk", "Panglima Sudirman", "Mawar", "Melati", "Anggrek",
)  # fmt: skip
VILLAGE_HEADS = (
    "Sumber", "Karang", "Tegal", "Wono", "Rejo", "Sido", "Kali", "Banyu", "Jati", "Gunung",
    "Pandan", "Sari", "Bulu", "Watu", "Randu", "Tanjung", "Klampok", "Krajan",
)  # fmt: skip
VILLAGE_TAILS = (
    "rejo", "agung", "mulyo", "sari", "asri", "jaya", "makmur", "wangi", "anyar", "kidul",
    "lor", "wetan", "kulon", "harjo", "kerto", "sono", "pandan", "kembang",
)  # fmt: skip
GIVEN_NAMES = (
    "Ahmad", "Siti", "Budi", "Sri", "Dwi", "Eko", "Nur", "Agus", "Rina", "Wahyu", "Dewi",
    "Hadi", "Yuni", "Fajar", "Lina", "Rudi", "Ayu", "Bambang", "Indah", "Joko", "Ratna",
    "Slamet", "Wati", "Hendra", "Umi", "Taufik", "Nia", "Arif", "Endang", "Yusuf",
)  # fmt: skip
FAMILY_NAMES = (
    "Santoso", "Wahyuni", "Hidayat", "Lestari", "Prasetyo", "Rahayu", "Setiawan", "Handayani",
    "Saputra", "Kurniawan", "Purnomo", "Susanti", "Firmansyah", "Utomo", "Maharani",
    "Nugroho", "Rahman", "Fitriani", "Hakim", "Wibowo",
)  # fmt: skip


def two_words(rng: random.Random) -> str:
    """Two different words, as in most cooperative names (`Sumber Makmur`)."""
    first, second = rng.sample(WORDS, 2)
    return f"{first} {second}"


_BY_KELOMPOK: dict[str, Callable[[random.Random, str], str]] = {
    "KUD": lambda rng, _: f"KUD {two_words(rng)}",
    "KPRI": lambda rng, place: (
        f"KPRI {rng.choice(('Guru', 'Pegawai', 'Bina', 'Karya'))} {rng.choice(WORDS)} {place}"
    ),
    "Kopkar": lambda rng, _: f"Kopkar {two_words(rng)}",
    "Kopontren": lambda rng, _: f"Kopontren {rng.choice(PESANTREN)}",
    "Kopwan": lambda rng, place: f"Kopwan {rng.choice(FLOWERS)} {place}",
    "Kopma": lambda rng, place: f"Kopma {rng.choice(WORDS)} {place}",
    "KSP": lambda rng, _: f"KSP {rng.choice(('Artha', 'Dana', 'Arta'))} {rng.choice(WORDS)}",
    "KSPPS": lambda rng, _: f"KSPPS BMT {rng.choice(SYARIAH)}",
}


def koperasi_name(rng: random.Random, kelompok: str, jenis: str, place: str) -> str:
    """A plausible name for a cooperative of this kelompok and jenis."""
    if kelompok in _BY_KELOMPOK:
        return _BY_KELOMPOK[kelompok](rng, place)
    if jenis == "produsen":
        return f"Koperasi Produsen {rng.choice(COMMODITIES)} {rng.choice(WORDS)}"
    if jenis in ("jasa", "pemasaran"):
        return f"Koperasi {jenis.capitalize()} {two_words(rng)}"
    # Now and then a name with characters that must be escaped in HTML.
    if rng.random() < 0.03:
        return f'KSU "{rng.choice(WORDS)} & {rng.choice(WORDS)}"'
    return f"Koperasi Konsumen {two_words(rng)}"


def villages(rng: random.Random, kecamatan: tuple[str, ...]) -> dict[str, list[str]]:
    """Between 10 and 22 made-up villages per kecamatan."""
    result = {}
    for name in kecamatan:
        count = rng.randint(10, 22)
        found: set[str] = set()
        while len(found) < count:
            found.add(f"{rng.choice(VILLAGE_HEADS)}{rng.choice(VILLAGE_TAILS)}")
        result[name] = sorted(found)
    return result


def address(rng: random.Random, desa: str) -> str:
    """A street address in a village."""
    street = rng.choice(STREETS)
    street = f"Raya {desa}" if street == "Raya" else street
    return f"Jl. {street} No. {rng.randint(1, 150)}, Dusun {rng.choice(WORDS)}"


def person_name(rng: random.Random) -> str:
    """A made-up full name."""
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
