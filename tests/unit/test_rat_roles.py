"""Who reports, who records on the board's behalf, who confirms the ODS entry."""

from __future__ import annotations

import pytest

from domain.access import Role, RoleGrant, Viewer
from domain.rat.roles import may_confirm_ods, may_report, recorded_on_behalf

KOPERASI, OFFICER = 3, 7


def _viewer(*grants: RoleGrant, person_id: int = OFFICER) -> Viewer:
    return Viewer(100, 100, person_id, frozenset(grants))


ADMIN = _viewer(RoleGrant(Role.ADMIN), person_id=1)
ITS_OFFICER = _viewer(RoleGrant(Role.PETUGAS))
OTHER_OFFICER = _viewer(RoleGrant(Role.PETUGAS), person_id=8)
BOARD = _viewer(RoleGrant(Role.PENGURUS, KOPERASI), person_id=20)
OTHER_BOARD = _viewer(RoleGrant(Role.PENGURUS, 4), person_id=21)
PIMPINAN = _viewer(RoleGrant(Role.PIMPINAN), person_id=30)
OFFICER_ON_BOARD = _viewer(RoleGrant(Role.PETUGAS), RoleGrant(Role.PENGURUS, KOPERASI))


@pytest.mark.parametrize(
    ("viewer", "report", "on_behalf", "confirm_ods"),
    [
        (ADMIN, True, True, True),
        (ITS_OFFICER, True, True, True),
        (OTHER_OFFICER, False, False, False),
        (BOARD, True, False, False),
        (OTHER_BOARD, False, False, False),
        (PIMPINAN, False, False, False),
        (OFFICER_ON_BOARD, True, False, False),
    ],
)
def test_who_may_do_what_to_a_cycle(
    viewer: Viewer, report: bool, on_behalf: bool, confirm_ods: bool
) -> None:
    assert may_report(viewer, KOPERASI, OFFICER) is report
    assert recorded_on_behalf(viewer, KOPERASI, OFFICER) is on_behalf
    assert may_confirm_ods(viewer, KOPERASI, OFFICER) is confirm_ods
