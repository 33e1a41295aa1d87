"""The stages of a RAT cycle (docs/rules.md#stages), lowest first; its rules will live here."""

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
