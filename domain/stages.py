"""The stages of a RAT cycle (DOMAIN §3), lowest first; the stage rules will live here too."""

from __future__ import annotations

STAGES = (
    "BELUM_MULAI",
    "PERSIAPAN",
    "SIAP_RAT",
    "TERJADWAL",
    "RAT_TERLAKSANA",
    "DILAPORKAN",
    "TERINPUT_ODS",
)
