"""Buttons of the roll-ups: the charts of a scope (the *Grafik* button on /rekap)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.callbacks.codec import INDEX, Codec, number

#: Fiscal years a chart button may name (0: the current cycles).
MAX_YEAR = 9999


@dataclass(frozen=True)
class ChartButton(Codec):
    """`gr:<kecamatan>:<tahun buku>`: the charts of the viewer's scope, for one kecamatan
    (its 1-based place in `[region] kecamatan`; 0: all) and one fiscal year (0: the current
    cycles). The viewer's role decides the scope, never the data."""

    PREFIX = "gr"
    PARTS = (INDEX, number(MAX_YEAR))

    kecamatan: int = 0
    tahun_buku: int = 0
