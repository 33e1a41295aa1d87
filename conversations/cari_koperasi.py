"""*Cari* (from /koperasi, and *Tugaskan satu* in /petugas): search the register.

Who: officers and admins (the buttons that start it check the role; the results are scoped
when shown). Collects one text — a name fragment, a NIK koperasi or a kecamatan — and keeps
it in the answers, where the list's search filter reads it back. The subject tells the two
uses apart: '' for the /koperasi list, `p<officer id>` for assigning one cooperative.
"""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Reply, Step, steps
from domain.koperasi_list import check_search
from locales import N_
from services.koperasi_query import SEARCH_ANSWER, SEARCH_FORM, SEARCH_PENDING
from storage.uow import UnitOfWork

NAME = SEARCH_FORM
MAX_SEARCH_LENGTH = 100


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    """Marks the search as finished, so the results are shown right after this reply."""
    session = await uow.form_sessions.get(run.chat_id, run.user_id, NAME, run.subject)
    if session is not None:
        session.answers = {**run.answers, SEARCH_PENDING: True}
        await uow.form_sessions.save(session)
    return Reply(N_("koperasi.search.done"), {"query": run.answers[SEARCH_ANSWER]})


def cari_koperasi_form() -> FormSpec:
    """The one-question search form."""
    return FormSpec(
        name=NAME,
        code="kc",
        steps=steps(
            Step(
                SEARCH_ANSWER,
                N_("koperasi.search.prompt"),
                InputKind.TEXT,
                max_length=MAX_SEARCH_LENGTH,
                validate=check_search,
            )
        ),
        first_step=SEARCH_ANSWER,
        complete=_complete,
    )
