"""*Cari* (from /koperasi, and *Tugaskan satu* in /petugas): search the register.

Who: officers and admins (the buttons and commands that start it check the role; the results
are scoped when shown). Collects one text — a name fragment, a NIK koperasi or a kecamatan —
and keeps it in the answers, where the list's search filter reads it back. The subject tells
the two uses apart: '' for the /koperasi list, `p<officer id>` for assigning one cooperative.
`/koperasi Maju` answers the step at once (`handlers.koperasi`).
"""

from __future__ import annotations

from conversations.spec import (
    FormResult,
    FormRun,
    FormSpec,
    InputKind,
    Reply,
    ShowSearchResults,
    Step,
    steps,
)
from domain.koperasi_list import check_search
from locales import N_, Catalogues
from services.koperasi_query import SEARCH_ANSWER, SEARCH_FORM
from storage.uow import UnitOfWork

NAME = SEARCH_FORM
COMMAND = None  # started by *Cari*, or answered by the argument of /koperasi
MAX_SEARCH_LENGTH = 100
LIST_SUBJECT = ""  # the subject of the /koperasi list's search
OFFICER_PREFIX = "p"  # `p<officer id>`: the search of *Tugaskan satu* for that officer


def officer_subject(officer_id: int) -> str:
    """The subject of a search for cooperatives to assign to `officer_id`."""
    return f"{OFFICER_PREFIX}{officer_id}"


async def _complete(uow: UnitOfWork, run: FormRun) -> FormResult:
    """Shows the results: the list, or the cooperatives to assign to the officer."""
    del uow
    said = Reply(N_("koperasi.search.done"), {"query": run.answers[SEARCH_ANSWER]})
    officer = run.subject.removeprefix(OFFICER_PREFIX)
    if run.subject != LIST_SUBJECT and officer.isdigit():
        return ShowSearchResults(said, int(officer))
    return ShowSearchResults(said)


def form(catalogues: Catalogues) -> FormSpec:
    """The one-question search form."""
    del catalogues
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
