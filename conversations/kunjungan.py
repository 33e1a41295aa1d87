"""A visit report (`/kunjungan`, officers): started from the cooperative picker
(`handlers.kunjungan`) with the cooperative's id as the subject, so each officer keeps one
draft per cooperative.

*Singkat*: length, type, date-time, verdict, a note or voice note, photos, review — with the
picker's press and the submit, at most 8 exchanges. *Lengkap* adds the POAC tag (the type's
suggestion shown), location, persons met (repeatable), the checklist items done, findings per
aspect, obstacles, follow-ups with owner and due date (repeatable), the planned RAT date and
the next visit. Every optional step has *Lewati*; the checklist ticks items with buttons (or
takes typed codes); the review (`conversations.kunjungan_review`) shows every answer in full,
paged, changes any field or any one repeated entry, and deletes entries. The steps and their
skip logic: `conversations.kunjungan_steps`. Completing stores the visit
(`services.kunjungan.submit`).
"""

from __future__ import annotations

from config import AppConfig
from conversations.kunjungan_steps import visit_steps
from conversations.spec import FormRun, FormSpec, Reply
from locales import Catalogues
from services.kunjungan import submit
from storage.uow import UnitOfWork

NAME = "kunjungan"
COMMAND = None  # started by the picker of /kunjungan (handlers.kunjungan)
CONFIGURED = True  # form() takes the configuration (its [visits] bounds)
REVIEW_STEP = "tinjau"


def form(catalogues: Catalogues, cfg: AppConfig | None = None) -> FormSpec:
    """The visit form, bounded by the `[visits]` configuration."""
    config = cfg if cfg is not None else AppConfig()

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply:
        """Stores the visit and its follow-ups for the officer who made it."""
        return await submit(uow, run, config, catalogues)

    table = {step.id: step for step in visit_steps(config.visits, config.rat.checklist)}
    return FormSpec(name=NAME, code="v", steps=table, first_step="panjang", complete=complete)
