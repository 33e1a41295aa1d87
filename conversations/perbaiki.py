"""*Perbaiki data saya* (from /privasi): a person corrects their own name, phone number or
position on a cooperative's board.

Who: anyone with a person row. Collects which field, then the new value (a name as text; a
phone number read by `domain.parsing.parse_phone`; a position as a choice), or removes the
phone number.
"""

from __future__ import annotations

from typing import Any

from conversations.jabatan import POSITIONS
from conversations.spec import Answers, FormRun, FormSpec, InputKind, Option, Reply, Step, steps
from domain.parsing import parse_phone
from locales import N_, Catalogues
from services.onboarding import correct_board_position
from services.privacy import correct_personal_data
from storage.uow import UnitOfWork

NAME = "perbaiki"
COMMAND = None  # started by *Perbaiki data saya* in /privasi
FIELDS = [
    Option("nama", N_("perbaiki.field.nama")),
    Option("hp", N_("perbaiki.field.hp")),
    Option("hapus_hp", N_("perbaiki.field.hapus_hp")),
    Option("jabatan", N_("perbaiki.field.jabatan")),
]


def _after_field(answers: Answers) -> str | None:
    """The value step for the chosen field; removing the phone needs no value."""
    return {"nama": "nama", "hp": "hp", "jabatan": "jabatan"}.get(answers["field"])


def _valid_phone(value: Any, answers: Answers) -> None:
    """Raises InputError unless `value` reads as an Indonesian phone number."""
    del answers
    parse_phone(value)


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    """Stores the correction for the person who made it."""
    person = await uow.people.get_by_telegram_id(run.user_id)
    if person is None:
        return Reply(N_("perbaiki.nothing_stored"))
    field = run.answers["field"]
    if field == "jabatan":
        stored = await correct_board_position(uow, person.id, run.answers["jabatan"], run.now)
        return Reply(N_("perbaiki.saved") if stored else N_("perbaiki.no_board"))
    await correct_personal_data(
        uow,
        person.id,
        now=run.now,
        full_name=run.answers.get("nama") if field == "nama" else None,
        phone=parse_phone(run.answers["hp"]) if field == "hp" else None,
        clear_phone=field == "hapus_hp",
    )
    return Reply(N_("perbaiki.saved"))


def form(catalogues: Catalogues) -> FormSpec:
    """The correction form."""
    del catalogues
    return FormSpec(
        name=NAME,
        code="p",
        steps=steps(
            Step(
                "field", N_("perbaiki.prompt.field"), InputKind.CHOICE, FIELDS, next=_after_field
            ),
            Step("nama", N_("perbaiki.prompt.nama"), InputKind.TEXT, max_length=100),
            Step(
                "hp",
                N_("perbaiki.prompt.hp"),
                InputKind.TEXT,
                max_length=32,
                validate=_valid_phone,
            ),
            Step("jabatan", N_("perbaiki.prompt.jabatan"), InputKind.CHOICE, POSITIONS),
        ),
        first_step="field",
        complete=_complete,
    )
