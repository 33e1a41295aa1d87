"""/kunjungan (officers): pick one of the officer's cooperatives — by argument
(`/kunjungan Maju`) or from the list — with the length in the same press, or go on with (or
throw away) the draft kept for it. The report itself is the `kunjungan` form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from conversations.inputs import Incoming
from conversations.kunjungan import NAME, REVIEW_STEP
from conversations.kunjungan_options import LENGTHS
from conversations.outcome import Outcome
from conversations.spec import FormSpec
from domain.access import Role
from domain.callbacks import VisitAction, VisitPick
from domain.forms import FormStatus
from domain.koperasi_list import KoperasiScope, ListCriteria, search_key
from domain.kunjungan import Panjang
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import begin_form
from handlers.keyboards import plain
from handlers.outcomes import send_outcome
from handlers.replies import reply
from locales import N_, Translator
from services.kunjungan import (
    correctable_visit,
    officer_koperasi,
    picker_states,
    subject_of,
)

if TYPE_CHECKING:
    from runtime.app import UnitOfWork

PICKER_SIZE = 10  # cooperatives offered at once; more: type a part of the name
NEW_ACTIONS = [
    (VisitAction.SINGKAT, N_("kunjungan.pick.singkat")),
    (VisitAction.LENGKAP, N_("kunjungan.pick.lengkap")),
]
DRAFT_ACTIONS = [
    (VisitAction.RESUME, N_("kunjungan.pick.resume")),
    (VisitAction.DISCARD, N_("kunjungan.pick.discard")),
]
LENGTH_INDEX = {
    VisitAction.SINGKAT: [o.code for o in LENGTHS].index(Panjang.SINGKAT),
    VisitAction.LENGKAP: [o.code for o in LENGTHS].index(Panjang.LENGKAP),
}


async def kunjungan(update: Update, context: BotContext) -> None:
    """Offers the officer's cooperatives (those matching the argument), each with its lengths
    or its draft."""
    viewer, tr = context.viewer, context.tr
    if viewer.person_id is None or not viewer.has(Role.PETUGAS):
        await reply(update, context, tr.t("auth.not_allowed"))
        return
    query = " ".join(context.args or [])
    today = context.services.clock.now().astimezone(tr.tz).date()
    criteria = ListCriteria(today=today, search=search_key(query) if query else None)
    async with context.services.uow(write=False) as uow:
        scope = KoperasiScope(petugas_id=viewer.person_id)
        lines = await uow.koperasi_query.page(scope, criteria, offset=0, limit=PICKER_SIZE + 1)
        states = (
            await picker_states(
                uow,
                viewer.person_id,
                [line.id for line in lines[:PICKER_SIZE]],
                chat_id=viewer.chat_id,
                user_id=viewer.telegram_user_id,
                now=context.services.clock.now(),
                visits=context.services.config.visits,
            )
            if lines
            else {}
        )
    if not lines:
        key = N_("kunjungan.none_found") if query else N_("kunjungan.none")
        await reply(update, context, tr.t(key))
        return
    shown = lines[:PICKER_SIZE]
    rows = [_row(tr, line.id, line.nama, *states.get(line.id, (False, False))) for line in shown]
    text = tr.t("kunjungan.pick")
    if len(lines) > PICKER_SIZE:
        text = "\n\n".join([text, tr.t("kunjungan.pick_more")])
    await reply(update, context, text, markup=InlineKeyboardMarkup(rows))


def _row(
    tr: Translator, koperasi_id: int, nama: str, draft: bool, correctable: bool
) -> list[InlineKeyboardButton]:
    """One cooperative: a new short or full report, or its draft to go on with or discard;
    and the correction of the latest report while it may be corrected."""
    actions = DRAFT_ACTIONS if draft else NEW_ACTIONS
    if correctable:
        actions = [*actions, (VisitAction.CORRECT, N_("kunjungan.pick.correct"))]
    return [
        InlineKeyboardButton(
            plain(tr.t(key, nama=nama)) if index == 0 else tr.t(key),
            callback_data=VisitPick(koperasi_id, action).encode(),
        )
        for index, (action, key) in enumerate(actions)
    ]


async def _has_draft(uow: UnitOfWork, context: BotContext, subject: str) -> bool:
    viewer = context.viewer
    session = await uow.form_sessions.get(viewer.chat_id, viewer.telegram_user_id, NAME, subject)
    return session is not None and session.status == FormStatus.SUSPENDED and bool(session.answers)


async def on_visit_pick(update: Update, context: BotContext) -> None:
    """A picked cooperative: re-checked (the officer's, still), then the report starts, goes
    on, or its draft is thrown away."""
    query, tr, services = update.callback_query, context.tr, context.services
    button = VisitPick.decode(query.data or "") if query is not None else None
    if button is None or not context.viewer.has(Role.PETUGAS):
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    spec = services.forms.spec(NAME)
    subject = str(button.koperasi_id)
    # Decide and commit first; answer the press only after the transaction (never inside it).
    refusal, outcome = await _pick(update, context, button, spec, subject)
    if outcome is None:
        await answer_callback(update, context, refusal)
        return
    await answer_callback(update, context)
    await send_outcome(update, context, outcome)


async def _pick(
    update: Update, context: BotContext, button: VisitPick, spec: FormSpec | None, subject: str
) -> tuple[str, Outcome | None]:
    """The form the press starts or resumes, or why not (the reason to answer with)."""
    services, tr = context.services, context.tr
    async with services.uow() as uow:
        if spec is None or await officer_koperasi(uow, context.viewer.person_id, subject) is None:
            return tr.t("kunjungan.not_yours"), None
        if button.action is VisitAction.CORRECT:
            started = await _correction(uow, context, spec, button.koperasi_id)
            if started is None:
                days = services.config.visits.correction_days
                return tr.t("kunjungan.too_late", days=days), None
            await uow.commit()
            return "", started
        if button.action is VisitAction.DISCARD:
            await _discard(uow, context, subject)
        outcome = await begin_form(context, uow, spec, subject)
        index = LENGTH_INDEX.get(button.action)
        if index is not None and outcome.step is not None and outcome.step.id == "panjang":
            answered = await services.forms.answer(
                uow,
                chat_id=context.viewer.chat_id,
                incoming=Incoming(option_index=index),
                update_id=update.update_id,
                person_id=context.viewer.person_id,
                tr=tr,
                now=services.clock.now(),
                chat=context.chat_forms,
                viewer=context.viewer,
            )
            outcome = answered or outcome
        await uow.commit()
    return "", outcome


async def _correction(
    uow: UnitOfWork, context: BotContext, spec: FormSpec, koperasi_id: int
) -> Outcome | None:
    """Starts the correction of the officer's latest report at its review (its draft, if one
    is kept); None once the window has passed."""
    services, person_id = context.services, context.viewer.person_id
    if person_id is None:
        return None
    found = await correctable_visit(
        uow, person_id, koperasi_id, services.clock.now(), services.config.visits
    )
    if found is None:
        return None
    visit, data = found
    subject = subject_of(koperasi_id, visit.id)
    if await _has_draft(uow, context, subject):
        return await begin_form(context, uow, spec, subject)
    return await begin_form(context, uow, spec, subject, (REVIEW_STEP, data))


async def _discard(uow: UnitOfWork, context: BotContext, subject: str) -> None:
    """Throws the draft away: the next start is a new report."""
    viewer = context.viewer
    session = await uow.form_sessions.get(viewer.chat_id, viewer.telegram_user_id, NAME, subject)
    if session is not None and session.status == FormStatus.SUSPENDED:
        session.status, session.answers = FormStatus.EXPIRED, {}
        await uow.form_sessions.save(session)
