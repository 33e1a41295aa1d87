"""Targets (POAC Planning): % RAT at each cut-off and % aktif, for the regency and per
kecamatan, and how a realisation compares with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from domain.rat.compliance import REPORT, STATUTORY, TARGET

AKTIF = "aktif"
TARGET_KEYS = (TARGET, REPORT, STATUTORY, AKTIF)


@dataclass(frozen=True)
class TargetSet:
    """Targets as fractions (0.6 = 60 %); None: no target set."""

    rat_target: Fraction | None = None
    rat_report: Fraction | None = None
    rat_statutory: Fraction | None = None
    aktif: Fraction | None = None

    def get(self, key: str) -> Fraction | None:
        """The target for a cut-off (`target`, `report`, `statutory`) or for `aktif`."""
        return {
            TARGET: self.rat_target,
            REPORT: self.rat_report,
            STATUTORY: self.rat_statutory,
            AKTIF: self.aktif,
        }[key]


@dataclass(frozen=True)
class Targets:
    """The regency's targets and per-kecamatan ones (a kecamatan key not set: the regency's)."""

    regency: TargetSet = field(default_factory=TargetSet)
    kecamatan: Mapping[str, TargetSet] = field(default_factory=dict)

    def for_kecamatan(self, name: str | None) -> TargetSet:
        """The targets of one kecamatan (None: the regency), each falling back to the regency."""
        own = self.kecamatan.get(name) if name is not None else None
        if own is None:
            return self.regency
        return TargetSet(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(_values(own), _values(self.regency), strict=True)
            )
        )


def _values(targets: TargetSet) -> tuple[Fraction | None, ...]:
    return (targets.rat_target, targets.rat_report, targets.rat_statutory, targets.aktif)


def gap(realised: Fraction | None, target: Fraction | None) -> Fraction | None:
    """Realisation minus target (negative: behind), or None when either is missing."""
    if realised is None or target is None:
        return None
    return realised - target
