"""*Kembalikan* (from /verifikasi): an officer returns what a board reported, with a note.

Who: the cooperative's officer or an admin (re-checked when the note is stored). Collects the
note; the board gets it through the outbox with a button that opens exactly that item.
Subject: `<kind>:<row id>` (kind: item, held, reported).
"""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Reply, Step, steps
from locales import N_, Catalogues
from services.rat_verify import Checked, check
from storage.uow import UnitOfWork

NAME = "kembalikan"
COMMAND = None  # started by *Kembalikan* in /verifikasi


def form(catalogues: Catalogues) -> FormSpec:
    """The return-with-a-note form."""

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply:
        """Stores the return and queues the note for the board."""
        kind, _, row = run.subject.partition(":")
        if run.viewer is None or not row.isdigit():
            return Reply(N_("auth.not_allowed"))
        checked = await check(
            uow,
            run.viewer,
            kind,
            int(row),
            now=run.now,
            note=str(run.answers["note"]),
            catalogues=catalogues,
        )
        return Reply(RESULT_KEYS[checked])

    return FormSpec(
        name=NAME,
        code="kv",
        steps=steps(Step("note", N_("verifikasi.prompt.note"), InputKind.TEXT, max_length=500)),
        first_step="note",
        complete=complete,
        subject_required=True,
    )


RESULT_KEYS = {
    Checked.DONE: N_("verifikasi.returned"),
    Checked.ALREADY: N_("verifikasi.already"),
    Checked.NOT_ALLOWED: N_("auth.not_allowed"),
    Checked.GONE: N_("verifikasi.gone"),
}
