"""*Minta akses* (from /start): a stranger's request for access, with an optional short note.

Who: anyone without a role who pressed *Minta akses*; the request row (holding the Telegram
name they asked with) is made by that button and is the form's subject. Collects whether to
add a note, then the note; completing sends the request to every admin through the outbox.
"""

from __future__ import annotations

from conversations.spec import Answers, FormRun, FormSpec, InputKind, Option, Reply, Step, steps
from locales import N_, Catalogues
from services.join_requests import NOTE_MAX_LENGTH, submit_join_request
from storage.uow import UnitOfWork

NAME = "akses"
SEND, NOTE = "kirim", "catatan"
COMMAND = None  # started by the *Minta akses* button of /start


def _after_choice(answers: Answers) -> str | None:
    """The note step only for a person who wants to write one."""
    return "catatan" if answers["cara"] == NOTE else None


def form(catalogues: Catalogues) -> FormSpec:
    """The request form; admins are told in their own language."""

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply:
        """Submits the request (once) and tells the person what happens next."""
        note = run.answers.get("catatan") if run.answers["cara"] == NOTE else None
        sent = await submit_join_request(
            uow, int(run.subject), run.user_id, note, catalogues, run.now
        )
        return Reply(N_("join.sent") if sent else N_("join.already_pending"))

    return FormSpec(
        name=NAME,
        code="a",
        steps=steps(
            Step(
                "cara",
                N_("join.prompt.how"),
                InputKind.CHOICE,
                [Option(SEND, N_("join.option.send")), Option(NOTE, N_("join.option.note"))],
                next=_after_choice,
            ),
            Step("catatan", N_("join.prompt.note"), InputKind.TEXT, max_length=NOTE_MAX_LENGTH),
        ),
        first_step="cara",
        complete=complete,
        subject_required=True,
    )
