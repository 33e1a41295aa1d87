"""Onboarding: `/start <code>` or a typed code → privacy notice → consent → home menu;
`/start` without a code → how to get access and *Minta akses*; the admins' decision buttons.

Nothing about a person is stored before they consent; refusing stores nothing at all.
"""

from __future__ import annotations

import logging

from telegram import Update

from conversations.akses import NAME as AKSES
from conversations.jabatan import NAME as JABATAN
from domain.access import Role
from domain.callbacks import ConsentButton, ConsentDecline, JoinAsk, JoinButton, JoinPendingList
from domain.invites import InviteProblem, consent_tag_valid, parse_code
from domain.koperasi_list import shorten
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import Handler, close_keyboard, start_form
from handlers.home import send_home
from handlers.keyboards import one_per_row
from handlers.replies import reply
from locales import N_, Safe, Translator
from services.consent import (
    ROLE_NAME_KEYS,
    Newcomer,
    consent_request,
    role_names,
)
from services.invites import inspect_code
from services.join_requests import (
    Decided,
    awaits_decision,
    decide_join_request,
    open_join_request,
    pending_requests,
    request_card,
)
from services.onboarding import redeem_invite

logger = logging.getLogger(__name__)

NAME_IN_ALERT = 60

PROBLEM_KEYS = {
    InviteProblem.UNKNOWN: N_("start.invite_invalid"),
    InviteProblem.REVOKED: N_("onboarding.invite_revoked"),
    InviteProblem.EXPIRED: N_("onboarding.invite_expired"),
    InviteProblem.USED_UP: N_("onboarding.invite_used_up"),
    InviteProblem.SUPERVISES: N_("onboarding.invite_supervises"),
}


def _newcomer(update: Update, context: BotContext) -> Newcomer:
    user = update.effective_user
    viewer = context.viewer
    return Newcomer(
        telegram_user_id=viewer.telegram_user_id,
        chat_id=viewer.chat_id,
        full_name=user.full_name if user is not None else None,
        language_code=user.language_code if user is not None else None,
    )


def problem_text(tr: Translator, problem: InviteProblem) -> str:
    """Why the invite does not work, in one message per reason."""
    return tr.t(PROBLEM_KEYS[problem])


async def open_invite(update: Update, context: BotContext, raw_code: str) -> None:
    """Checks a code; shows the privacy notice with consent buttons, or why it cannot be used."""
    services, tr, viewer = context.services, context.tr, context.viewer
    async with services.uow(write=False) as uow:
        check = await inspect_code(
            uow, parse_code(raw_code), viewer.telegram_user_id, services.clock.now()
        )
    invite = check.invite
    if check.already_used:
        await reply(update, context, tr.t("onboarding.already_linked"))
        if viewer.is_known:
            await send_home(update, context)
        return
    if invite is None or check.problem is not None:
        await reply(update, context, problem_text(tr, check.problem or InviteProblem.UNKNOWN))
        return
    text, buttons = consent_request(
        tr,
        services.config,
        role=Role(invite.role),
        koperasi_nama=check.koperasi_nama,
        invite_id=invite.id,
        code_hash=invite.code_hash,
        telegram_user_id=viewer.telegram_user_id,
    )
    await reply(update, context, text, markup=one_per_row(buttons))


def typed_code(fallback: Handler) -> Handler:
    """A message shaped like an invite code: redeemed, unless a form waits for an answer.

    Anything else (and any text while a form is active) goes on to `fallback`, the usual
    form step → relay → hint routing.
    """

    async def on_typed_code(update: Update, context: BotContext) -> None:
        message = update.message
        code = parse_code(message.text or "") if message is not None else None
        if code is None or context.chat_forms.active:
            await fallback(update, context)
            return
        await open_invite(update, context, code)

    return on_typed_code


async def on_consent_button(update: Update, context: BotContext) -> None:
    """*Setuju* links the person (only the one the notice was made for); *Tidak setuju* not."""
    query = update.callback_query
    data = (query.data or "") if query is not None else ""
    if ConsentDecline.decode(data) is not None:
        await answer_callback(update, context)
        await close_keyboard(update)
        await reply(update, context, context.tr.t("onboarding.declined"))
        return
    button = ConsentButton.decode(data)
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    services, tr, viewer = context.services, context.tr, context.viewer
    async with services.uow(write=False) as uow:
        invite = await uow.invites.get(button.invite_id)
    if invite is None or not consent_tag_valid(
        invite.code_hash, invite.id, viewer.telegram_user_id, button.tag
    ):
        # Someone else's notice, or a made-up button: the code was never theirs.
        await refuse(update, context)
        return
    async with services.uow() as uow:
        redeemed = await redeem_invite(
            uow,
            invite.id,
            _newcomer(update, context),
            services.catalogues,
            services.clock.now(),
        )
        if redeemed.problem is None:
            await uow.commit()
    await answer_callback(update, context)
    await close_keyboard(update)
    if redeemed.problem is not None or redeemed.viewer is None:
        await reply(update, context, problem_text(tr, redeemed.problem or InviteProblem.UNKNOWN))
        return
    if redeemed.newly_linked:
        logger.info("person %s linked through invite %s", redeemed.viewer.person_id, invite.id)
    roles = Safe(role_names(tr, redeemed.viewer.roles))
    await send_home(update, context, redeemed.viewer, intro=tr.t("onboarding.linked", roles=roles))
    position = services.forms.spec(JABATAN)
    if redeemed.newly_linked and invite.koperasi_id is not None and position is not None:
        # A new board member's position: one choice, right after the home menu.
        await start_form(update, context, position, subject=str(invite.koperasi_id))


async def greet_stranger(update: Update, context: BotContext) -> None:
    """How to get access, and *Minta akses* for someone without an invite."""
    tr = context.tr
    text = tr.t("start.no_invite", region=context.services.config.region.name)
    await reply(
        update, context, text, markup=one_per_row([(tr.t("join.button.ask"), JoinAsk().encode())])
    )


async def on_join_button(update: Update, context: BotContext) -> None:
    """*Minta akses* (anyone) and the admins' *Setujui sebagai …* / *Tolak* (admins only)."""
    query = update.callback_query
    data = (query.data or "") if query is not None else ""
    if JoinAsk.decode(data) is not None:
        await _ask_access(update, context)
        return
    if JoinPendingList.decode(data) is not None:
        if context.viewer.has(Role.ADMIN):
            await _list_pending(update, context)
        else:
            await refuse(update, context)
        return
    button = JoinButton.decode(data)
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
    elif not context.viewer.has(Role.ADMIN):
        await refuse(update, context)
    else:
        await _decide(update, context, button)


async def _ask_access(update: Update, context: BotContext) -> None:
    """Starts the request (its note form), unless one is already waiting for an admin."""
    services = context.services
    await answer_callback(update, context)
    if context.viewer.is_known:
        await send_home(update, context)
        return
    cooldown = services.config.access.join_request_cooldown_days
    async with services.uow() as uow:
        asked = await open_join_request(
            uow, _newcomer(update, context), cooldown, services.clock.now()
        )
        await uow.commit()
    request, tr = asked.request, context.tr
    if request is None:
        again = (asked.ask_again_at or services.clock.now()).astimezone(tr.tz).date()
        await reply(update, context, tr.t("join.cooling_down", date=again))
        return
    spec = services.forms.spec(AKSES)
    if awaits_decision(request) or spec is None:
        await reply(update, context, tr.t("join.already_pending"))
        return
    await start_form(update, context, spec, subject=str(request.id))


async def _list_pending(update: Update, context: BotContext) -> None:
    """The oldest requests waiting for a decision, each with its decision buttons."""
    tr = context.tr
    await answer_callback(update, context)
    async with context.services.uow(write=False) as uow:
        shown, total = await pending_requests(uow)
    if not shown:
        await reply(update, context, tr.t("join.none_pending"))
        return
    await reply(update, context, tr.t("join.pending_header", shown=len(shown), total=total))
    for request in shown:
        text, buttons = request_card(tr, request)
        await reply(update, context, text, markup=one_per_row(buttons))


async def _decide(update: Update, context: BotContext, button: JoinButton) -> None:
    """One admin's decision; the others learn who was first when they press theirs."""
    services, tr = context.services, context.tr
    async with services.uow() as uow:
        decision = await decide_join_request(
            uow,
            button.request_id,
            context.viewer,
            button.role,
            cfg=services.config,
            catalogues=services.catalogues,
            now=services.clock.now(),
        )
        if decision.outcome is Decided.DECIDED:
            await uow.commit()
    if decision.outcome is Decided.UNKNOWN:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    if decision.outcome is Decided.ALREADY:
        # A callback answer holds at most 200 characters: a long name is cut.
        who = shorten(decision.decided_by or tr.t("join.another_admin"), NAME_IN_ALERT)
        await answer_callback(update, context, tr.t("join.already_decided", admin=who), alert=True)
        await close_keyboard(update)
        return
    await answer_callback(update, context)
    await close_keyboard(update)
    name = decision.requester or tr.t("join.no_name")
    if button.role is None:
        await reply(update, context, tr.t("join.refused_admin", name=name))
    else:
        role = tr.t(ROLE_NAME_KEYS[button.role])
        await reply(update, context, tr.t("join.approved_admin", name=name, role=role))
