"""The worklist's flags and order (domain.worklist): overdue follow-ups, returned items,
TIDAK_AKTIF / RAWAN, not visited in 30 days, unreachable board; ties by days overdue."""

from __future__ import annotations

from datetime import date, timedelta

from domain.worklist import NEVER_VISITED_DAYS, WorkCounts, WorkFlag, flags_of, worklist

TODAY = date(2026, 12, 5)
RECENT = TODAY - timedelta(days=3)


def _counts(nama: str, **values: object) -> WorkCounts:
    fields: dict[str, object] = {
        "koperasi_id": abs(hash(nama)) % 10_000,
        "nama": nama,
        "status_aktivitas": "AKTIF_RAT",
        "overdue_follow_ups": 0,
        "oldest_due": None,
        "returned": 0,
        "oldest_return": None,
        "last_visit": RECENT,
        "unreachable_board": 0,
        **values,
    }
    return WorkCounts(**fields)  # type: ignore[arg-type]


def test_a_recently_visited_cooperative_with_nothing_open_is_not_on_the_list() -> None:
    assert worklist([_counts("Tenang")], TODAY) == []


def test_the_order_is_by_first_flag_then_days_overdue() -> None:
    rows = [
        _counts("Pengurus hilang", unreachable_board=2),
        _counts("Lama", last_visit=TODAY - timedelta(days=45)),
        _counts("Belum pernah", last_visit=None),
        _counts("Rawan", status_aktivitas="RAWAN"),
        _counts("Tidak aktif", status_aktivitas="TIDAK_AKTIF"),
        _counts("Dikembalikan", returned=1, oldest_return=TODAY - timedelta(days=2)),
        _counts("Tenggat baru", overdue_follow_ups=1, oldest_due=TODAY - timedelta(days=1)),
        _counts("Tenggat lama", overdue_follow_ups=3, oldest_due=TODAY - timedelta(days=9)),
        _counts("Tenang"),
    ]
    names = [line.nama for line in worklist(rows, TODAY)]
    assert names == [
        "Tenggat lama",
        "Tenggat baru",
        "Dikembalikan",
        "Tidak aktif",
        "Rawan",
        "Belum pernah",
        "Lama",
        "Pengurus hilang",
    ]


def test_every_flag_of_a_cooperative_is_kept_in_rank_order_with_the_first_flags_days() -> None:
    counts = _counts(
        "Semua",
        overdue_follow_ups=2,
        oldest_due=TODAY - timedelta(days=4),
        returned=1,
        status_aktivitas="RAWAN",
        last_visit=None,
        unreachable_board=1,
    )
    (line,) = worklist([counts], TODAY)
    assert line.flags == tuple(flag for flag in WorkFlag if flag is not WorkFlag.TIDAK_AKTIF)
    assert line.days_overdue == 4


def test_thirty_days_since_the_last_visit_is_not_yet_overdue() -> None:
    assert WorkFlag.NOT_VISITED not in flags_of(
        _counts("A", last_visit=TODAY - timedelta(30)), TODAY
    )
    late = flags_of(_counts("B", last_visit=TODAY - timedelta(days=31)), TODAY)
    assert late[WorkFlag.NOT_VISITED] == 1
    assert (
        flags_of(_counts("C", last_visit=None), TODAY)[WorkFlag.NOT_VISITED] == NEVER_VISITED_DAYS
    )
