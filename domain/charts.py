"""What the roll-up charts show (docs/rules.md#charts): small pure data, no drawing.

Two charts: RAT progress per kecamatan — the cooperatives obliged to hold a RAT, stacked by
the stage of their cycle, against the office's target share of RATs held — and the trend over
three seasons of the share of active cooperatives and of RATs held. The counts come from SQL
(one grouped query per chart); the ratios and the ordering are computed here. Labels are
plain translated strings that the caller puts in; the renderer draws what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.stages import RAT_TERLAKSANA, STAGES

#: Stages whose cycle has its RAT held (held, reported, entered in ODS).
HELD_STAGES = STAGES[STAGES.index(RAT_TERLAKSANA) :]
#: How many seasons the trend shows: the current one and the two before it.
TREND_SEASONS = 3


def share(part: int, whole: int) -> float | None:
    """`part / whole`, or None when there is nothing to divide by."""
    return part / whole if whole > 0 else None


@dataclass(frozen=True, slots=True)
class KecamatanProgress:
    """One kecamatan's obliged cooperatives per stage; `kecamatan` None: none recorded."""

    kecamatan: str | None
    per_stage: tuple[int, ...]  # in STAGES order

    @classmethod
    def of(cls, kecamatan: str | None, counts: Mapping[str, int]) -> KecamatanProgress:
        """From a count per stage code (unknown codes count as BELUM_MULAI)."""
        per_stage = [0] * len(STAGES)
        for stage, count in counts.items():
            per_stage[STAGES.index(stage) if stage in STAGES else 0] += count
        return cls(kecamatan, tuple(per_stage))

    @property
    def total(self) -> int:
        """Every obliged cooperative of the kecamatan."""
        return sum(self.per_stage)

    @property
    def held(self) -> int:
        """Those whose RAT is held (RAT_TERLAKSANA or a later stage)."""
        return sum(self.per_stage[STAGES.index(RAT_TERLAKSANA) :])

    @property
    def held_share(self) -> float | None:
        """Held ÷ total."""
        return share(self.held, self.total)


@dataclass(frozen=True)
class ProgressChart:
    """RAT progress per kecamatan, highest share held first; `target` a share (0.8 = 80 %).

    `registered`: the cooperatives in the register within the scope (not dissolved), of which
    the rows count those obliged to hold a RAT.
    """

    rows: tuple[KecamatanProgress, ...]
    target: float | None = None
    fiscal_year: int | None = None
    registered: int = 0

    @classmethod
    def build(
        cls,
        counts: Iterable[tuple[str | None, str, int]],
        *,
        target: float | None,
        fiscal_year: int | None,
        registered: int,
    ) -> ProgressChart:
        """From (kecamatan, stage, count) rows of the grouped query."""
        grouped: dict[str | None, dict[str, int]] = {}
        for kecamatan, stage, count in counts:
            per = grouped.setdefault(kecamatan, {})
            per[stage] = per.get(stage, 0) + count
        rows = [KecamatanProgress.of(k, per) for k, per in grouped.items()]
        rows.sort(key=lambda r: (-(r.held_share or 0.0), r.kecamatan is None, r.kecamatan or ""))
        return cls(tuple(rows), target, fiscal_year, registered)

    @property
    def obliged(self) -> int:
        """All cooperatives shown."""
        return sum(row.total for row in self.rows)

    @property
    def held(self) -> int:
        """All cooperatives shown whose RAT is held."""
        return sum(row.held for row in self.rows)

    @property
    def held_share(self) -> float | None:
        """The scope's share of RATs held."""
        return share(self.held, self.obliged)

    def lowest(self, count: int) -> tuple[KecamatanProgress, ...]:
        """The `count` kecamatan with the lowest share held (ties: the larger first)."""
        ranked = sorted(
            (row for row in self.rows if row.total),
            key=lambda r: (r.held_share or 0.0, -r.total, r.kecamatan or ""),
        )
        return tuple(ranked[:count])


@dataclass(frozen=True, slots=True)
class SeasonCounts:
    """One season's counts: obliged and held for its fiscal year, active of those counted.

    `active` and `active_base` are None for a season with no record of activity (a past
    season without a stored season-end snapshot).
    """

    tahun_buku: int
    obliged: int
    held: int
    active: int | None = None
    active_base: int | None = None

    @property
    def rat_share(self) -> float | None:
        """RATs held ÷ obliged."""
        return share(self.held, self.obliged)

    @property
    def active_share(self) -> float | None:
        """Active ÷ counted (all but BARU and the dissolving)."""
        if self.active is None or self.active_base is None:
            return None
        return share(self.active, self.active_base)


@dataclass(frozen=True)
class TrendChart:
    """The trend over seasons, oldest first; targets as shares."""

    seasons: tuple[SeasonCounts, ...]
    rat_target: float | None = None
    active_target: float | None = None


def current_season(today: date) -> int:
    """The fiscal year whose season `today` is in (a year ending 31 December: last year)."""
    return today.year - 1


def trend_years(last: int) -> tuple[int, ...]:
    """The fiscal years the trend shows, oldest first, ending with `last`."""
    return tuple(range(last - TREND_SEASONS + 1, last + 1))


@dataclass(frozen=True)
class ProgressLabels:
    """The progress chart's words and formatted numbers, translated by the caller.

    `rows`: one name per row of the chart (in its order); `notes`: "held/total" per row;
    `ticks`: the value axis's labels at 0, 20, … 100 %.
    """

    title: str
    subtitle: str
    axis: str
    stages: tuple[str, ...]  # in STAGES order
    target: str  # the target line's legend entry ("" without a target)
    empty: str  # shown when there is nothing to chart
    rows: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    ticks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrendLabels:
    """The trend chart's words and formatted numbers, translated by the caller.

    `seasons`: one name per season (oldest first); `rat_values`, `active_values`: each point's
    figure as shown beside it ("" where there is no data).
    """

    title: str
    subtitle: str
    axis: str
    rat: str
    active: str
    rat_target: str
    active_target: str
    empty: str
    seasons: tuple[str, ...] = ()
    rat_values: tuple[str, ...] = ()
    active_values: tuple[str, ...] = ()
    ticks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartRequest:
    """What the drawing worker gets: a chart and its labels (plain data, so it pickles)."""

    chart: ProgressChart | TrendChart
    labels: ProgressLabels | TrendLabels


#: Where the value axes of both charts are labelled: 0, 20, … 100 %.
TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
