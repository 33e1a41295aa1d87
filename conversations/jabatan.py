"""*Jabatan* (right after consenting to a board invite): a new board member's position.

Who: someone just linked to a cooperative's board through an invite; the cooperative's id is
the form's subject. Collects one choice (ketua, sekretaris, bendahara, manajer, pengawas,
lainnya), stored on that board seat and shown on the cooperative's card. Changed later in
/privasi (*Perbaiki data saya*).
"""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Option, Reply, Step, steps
from domain.invites import BOARD_POSITION_KEYS
from locales import N_, Catalogues
from services.onboarding import set_board_position
from storage.uow import UnitOfWork

NAME = "jabatan"
COMMAND = None  # started right after consenting to a board invite
POSITIONS = [Option(code, key) for code, key in BOARD_POSITION_KEYS.items()]


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    """Stores the position on the board seat the invite gave (if the person still holds it)."""
    person = await uow.people.get_by_telegram_id(run.user_id)
    stored = person is not None and await set_board_position(
        uow, person.id, int(run.subject), run.answers["jabatan"], run.now
    )
    return Reply(N_("board.position.saved") if stored else N_("board.position.not_member"))


def form(catalogues: Catalogues) -> FormSpec:
    """The position form."""
    del catalogues
    return FormSpec(
        name=NAME,
        code="j",
        steps=steps(Step("jabatan", N_("board.position.ask"), InputKind.CHOICE, POSITIONS)),
        first_step="jabatan",
        complete=_complete,
        subject_required=True,
    )
