"""Who may do what to a RAT cycle: report, record on the board's behalf, verify.

A board member reports for their own cooperative. An officer (for assigned cooperatives) or
an admin records on the board's behalf — counted as verified — verifies or returns what a
board reported, and is the only one who confirms the ODS entry (TERINPUT_ODS). Pimpinan read.
"""

from __future__ import annotations

from domain.access import Role, Viewer
from domain.koperasi_list import list_scope


def is_board_of(viewer: Viewer, koperasi_id: int) -> bool:
    """Whether the viewer sits on this cooperative's board."""
    return koperasi_id in viewer.board_koperasi_ids()


def may_see(viewer: Viewer, koperasi_id: int, petugas_id: int | None) -> bool:
    """Whether the viewer may read the cooperative's status card: a board member of it, or
    the office within its scope (pimpinan: the region)."""
    if is_board_of(viewer, koperasi_id):
        return True
    scope = list_scope(viewer)
    return scope is not None and scope.covers(petugas_id)


def may_act_for_office(viewer: Viewer, koperasi_petugas_id: int | None) -> bool:
    """An admin, or the cooperative's assigned officer: records on behalf, verifies, returns."""
    if viewer.has(Role.ADMIN):
        return True
    return (
        viewer.has(Role.PETUGAS)
        and viewer.person_id is not None
        and viewer.person_id == koperasi_petugas_id
    )


def may_report(viewer: Viewer, koperasi_id: int, koperasi_petugas_id: int | None) -> bool:
    """Whether the viewer may change this cooperative's checklist and milestones."""
    return is_board_of(viewer, koperasi_id) or may_act_for_office(viewer, koperasi_petugas_id)


def may_confirm_ods(viewer: Viewer, koperasi_id: int, koperasi_petugas_id: int | None) -> bool:
    """Whether the viewer may confirm the ODS entry (TERINPUT_ODS).

    An admin always may; the assigned officer may unless they also sit on this board (a
    board member never confirms their own cooperative's entry).
    """
    if viewer.has(Role.ADMIN):
        return True
    return may_act_for_office(viewer, koperasi_petugas_id) and not is_board_of(viewer, koperasi_id)


def recorded_on_behalf(viewer: Viewer, koperasi_id: int, koperasi_petugas_id: int | None) -> bool:
    """Whether a change is "dicatat oleh petugas": made by the office, not by the board."""
    return not is_board_of(viewer, koperasi_id) and may_act_for_office(viewer, koperasi_petugas_id)
