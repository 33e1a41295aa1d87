"""The buttons of /ekspor: the period, then the kecamatan (which starts the export)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.callbacks.codec import INDEX, Codec, number
from domain.export import LATEST_PERIOD

YEAR = number(LATEST_PERIOD)
ALL_KECAMATAN = 0  # the kecamatan part: 0 for all, n for the n-th configured kecamatan


@dataclass(frozen=True)
class EksporPeriod(Codec):
    """A period chosen: `xp:<tahun buku>`; the kecamatan are asked next."""

    PREFIX = "xp"
    PARTS = (YEAR,)

    tahun_buku: int


@dataclass(frozen=True)
class EksporStart(Codec):
    """Period and kecamatan chosen: `xs:<tahun buku>:<kecamatan>`; the export starts.

    Re-checked on press: the viewer's role, the year's range, the kecamatan's index.
    """

    PREFIX = "xs"
    PARTS = (YEAR, INDEX)

    tahun_buku: int
    kecamatan: int
