"""/lapor: the menu of the current RAT cycle, its buttons, and starting a sub-flow.

A board member opens it with /lapor (picking a board first when on several); the office
opens the same menu from the cooperative card (*Catat laporan*), on the board's behalf.
A button opens the target's sub-flow (`conversations.lapor`) with the cycle's dates in its
context; *Batalkan perubahan terakhir* undoes the person's own last change.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from typing import Any

from telegram import Update

from conversations.lapor import FIRST_STEPS, NAME
from conversations.lapor_values import CTX, context_of, stale_step
from domain.access import Role
from domain.callbacks import LaporButton
from domain.callbacks.rat import HISTORY, MENU, UNDO
from domain.rat.policy import new_cycle_rules
from domain.rat.report import HELD, ODS, is_target, late_year, menu
from domain.rat.roles import may_confirm_ods, may_report, may_see
from domain.rat.status import StatusCard
from domain.rat.validation import MilestoneDates
from handlers.auth import refuse, requires
from handlers.board import choose_koperasi
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import begin_form, render_prompt
from handlers.lapor_views import render_menu
from handlers.replies import reply
from handlers.riwayat import send_history
from handlers.status_views import card_and_text, status_markup, status_text
from locales import N_, Safe
from locales.labels import target_label
from services.rat_menu import ReportView, load_report
from services.rat_report import Context, Saved, undo_last
from services.rat_verify import returned_late_rat

COMMAND = "lapor"


def _today(context: BotContext) -> date:
    services = context.services
    return services.clock.now().astimezone(services.config.region.tz).date()


@requires(Role.PENGURUS)
async def lapor(update: Update, context: BotContext) -> None:
    """The menu of the board member's cooperative (asking which first)."""
    koperasi_id = await choose_koperasi(update, context, command=COMMAND)
    if koperasi_id is not None:
        await send_menu(update, context, koperasi_id)


async def _report(
    context: BotContext, koperasi_id: int, *, late: bool = True
) -> ReportView | None:
    services = context.services
    policy = services.config.rat.policy()
    async with services.uow(write=False) as uow:
        return await load_report(uow, koperasi_id, policy, _today(context), late=late)


async def send_menu(update: Update, context: BotContext, koperasi_id: int) -> None:
    """The menu, when the viewer may report for this cooperative."""
    view = await _report(context, koperasi_id)
    viewer = context.viewer
    if view is None:
        # Only its board or an admin learn that it has no cycle yet; others are refused.
        if may_report(viewer, koperasi_id, None):
            await reply(update, context, context.tr.t("lapor.no_cycle"))
        else:
            await refuse(update, context)
        return
    if not may_report(viewer, koperasi_id, view.petugas_id):
        await refuse(update, context)
        return
    entries = menu(
        view.checklist,
        view.states,
        view.done(),
        may_confirm_ods=may_confirm_ods(viewer, koperasi_id, view.petugas_id),
    )
    mandatory = set(view.checklist.mandatory_codes)
    text, markup = render_menu(
        context.tr,
        koperasi_id,
        view.nama,
        entries,
        mandatory=mandatory,
        late=view.late_years,
        system=view.system,
    )
    await answer_callback(update, context)  # pressed from the card: answered once shown
    await reply(update, context, text, markup=markup)


async def on_lapor_button(update: Update, context: BotContext) -> None:
    """A menu button: the menu again, undo, or a target's sub-flow."""
    query = update.callback_query
    pressed = LaporButton.decode((query.data or "") if query is not None else "")
    if pressed is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    kid, target = pressed.koperasi_id, pressed.target
    if target == MENU:
        await send_menu(update, context, kid)
    elif target == UNDO:
        await _undo(update, context, kid)
    elif target == HISTORY:
        await send_history(update, context, kid)
    else:
        await _open(update, context, kid, target)


async def _undo(update: Update, context: BotContext, koperasi_id: int) -> None:
    services = context.services
    ctx = Context(services.config.rat.policy(), _today(context), services.clock.now())
    async with services.uow() as uow:
        saved = await undo_last(uow, context.viewer, koperasi_id, ctx)
        await uow.commit()
    if saved is Saved.NOT_ALLOWED:
        await refuse(update, context)
        return
    if saved is Saved.UNCHANGED:
        # The menu shows the button to everyone (knowing who has a change of their own would
        # cost the menu a read): the answer says what it undoes, over the menu, as a pop-up.
        await answer_callback(
            update, context, context.tr.t(N_("lapor.nothing_to_undo")), alert=True
        )
        return
    await answer_callback(update, context)
    if saved is Saved.CHANGED_SINCE:  # nothing changed: no card again
        await reply(update, context, context.tr.t(N_("lapor.undo_changed_since")))
        return
    await reply(update, context, context.tr.t(N_("lapor.undone")))
    await send_card(update, context, koperasi_id)


async def send_card(update: Update, context: BotContext, koperasi_id: int) -> None:
    """The status card as a new message (after a change)."""
    found = await card_and_text(context, koperasi_id)
    if found is not None:
        card, text = found
        await reply(update, context, text, markup=status_markup(context.tr, card))


async def send_saved_card(
    update: Update,
    context: BotContext,
    said: str,
    card: StatusCard,
    terms: tuple[str, ...],
) -> None:
    """What a change says, with the card as the change left it below it: one message (on a
    weak signal one message arrives, or none, never half)."""
    if not may_see(context.viewer, card.koperasi_id, card.petugas_id):
        await reply(update, context, said)  # recorded by someone who may not see the card
        return
    text = "\n\n".join([said, status_text(context.tr, card, terms=terms)])
    await reply(update, context, text, markup=status_markup(context.tr, card))


def _sub_context(
    context: BotContext, view: ReportView, koperasi_id: int, target: str
) -> dict[str, Any] | None:
    """The sub-flow's context, or None when the viewer may not open this target."""
    viewer, today = context.viewer, _today(context)
    tz = context.services.config.region.tz.key
    if not may_report(viewer, koperasi_id, view.petugas_id):
        return None
    year = late_year(target)
    if year is not None:  # a missed year's late RAT: the RAT-held steps, that year's window
        if year not in view.late_years:
            return None
        policy = context.services.config.rat.policy()
        rules = new_cycle_rules(policy, view.koperasi_rules, year)
        late = context_of(
            koperasi_id,
            HELD,
            today,
            rules.deadlines,
            MilestoneDates(),
            quorum_rule=view.quorum_rule,
            evidence=view.evidence,
            tz=tz,
        )
        return {**late, "tahun_buku": year}
    if not is_target(target, view.checklist.codes) or (
        target == ODS and not may_confirm_ods(viewer, koperasi_id, view.petugas_id)
    ):
        return None
    return context_of(
        koperasi_id,
        target,
        today,
        view.rules.deadlines,
        view.dates,
        quorum_rule=view.quorum_rule,
        evidence=view.evidence,
        tz=tz,
    )


async def _open(update: Update, context: BotContext, koperasi_id: int, target: str) -> None:
    """Starts (or resumes) the target's sub-flow, its context and first step set.

    One writing transaction reads the cycle, checks the right and starts the form (the
    session read once and written once, with its context).
    """
    services = context.services
    spec = services.forms.forms[NAME]
    policy = services.config.rat.policy()
    year = late_year(target)
    outcome = None
    async with services.uow() as uow:
        view = await load_report(
            uow, koperasi_id, policy, _today(context), late=year is not None, states=False
        )
        # A returned late RAT's button reopens its year, though it no longer counts as missed.
        if (
            view is not None
            and year is not None
            and year not in view.late_years
            and await returned_late_rat(uow, koperasi_id, year)
        ):
            view = replace(view, late_years=(*view.late_years, year))
        sub_ctx = _sub_context(context, view, koperasi_id, target) if view is not None else None
        if sub_ctx is not None:
            first = FIRST_STEPS.get(sub_ctx["target"], spec.first_step)

            def arrange(
                step: str, answers: dict[str, Any], resumed: bool
            ) -> tuple[str, dict[str, Any]]:
                if not resumed:
                    return first, {CTX: sub_ctx}
                # A draft resumes with today's context (the day, the cycle's dates now);
                # an answer the cycle no longer accepts is asked again.
                answers = {**answers, CTX: sub_ctx}
                stale = stale_step(answers)
                if stale is not None:
                    answers.pop(stale)
                    step = stale
                return step, answers

            outcome = await begin_form(
                context, uow, spec, f"{koperasi_id}:{target}", arrange=arrange
            )
            await uow.commit()
    if view is None or outcome is None:
        await refuse(update, context)
        return
    text, markup = render_prompt(context.tr, outcome)
    label = Safe(target_label(context.tr, target, view.system))
    heading = context.tr.t("lapor.heading", target=label, nama=view.nama)
    # The callback's answer and the prompt at once: the update holds its concurrency slot
    # for one Bot API round trip, not two (both are done before the update is).
    await asyncio.gather(
        answer_callback(update, context),
        reply(update, context, f"{heading}\n\n{text}", markup=markup),
    )
