"""*Selesai* under a follow-up in /tindaklanjut (officers): asks how it was done (a note, or
*Lewati*) and closes it. The subject is the follow-up's id; it is re-checked on completion
(still open, one of the officer's cooperatives)."""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Reply, Step, steps
from locales import N_, Catalogues
from services.tindak_lanjut import mark_done
from storage.uow import UnitOfWork

NAME = "tindaklanjut_selesai"
COMMAND = None  # started by *Selesai* in /tindaklanjut
NOTE_LENGTH = 500


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    """Closes the follow-up with the note, if it is still the officer's to close."""
    if run.person_id is None or not run.subject.isdigit():
        return Reply(N_("tindaklanjut.not_yours"))
    done = await mark_done(uow, run.person_id, int(run.subject), run.answers["catatan"], run.now)
    return Reply(N_("tindaklanjut.marked") if done else N_("tindaklanjut.not_yours"))


def form(catalogues: Catalogues) -> FormSpec:
    """The one-step form closing a follow-up."""
    del catalogues
    return FormSpec(
        name=NAME,
        code="tl",
        steps=steps(
            Step(
                "catatan",
                N_("tindaklanjut.prompt.catatan"),
                InputKind.TEXT,
                max_length=NOTE_LENGTH,
                skippable=True,
            )
        ),
        first_step="catatan",
        complete=_complete,
    )
