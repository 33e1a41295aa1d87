"""/petugas (admins): officers with their workload, and the buttons that assign, move and
deactivate (in `handlers.petugas_actions`). Every button is re-authorised here: the role by
`requires`, the officer and the cooperative by the service that acts on them.
"""

from __future__ import annotations

from telegram import Update

from conversations.cari_koperasi import officer_subject
from domain.access import Role
from domain.callbacks import PetugasAction, PetugasButton
from domain.errors import InputError
from domain.koperasi_list import PAGE_SIZE, page_window
from handlers.auth import requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import start_form
from handlers.petugas_actions import ACTIONS, officer_by_id, today_of
from handlers.petugas_views import render_officer, render_officers
from handlers.replies import reply
from handlers.screens import show
from services.koperasi_query import SEARCH_FORM, OfficerPage, officer_page, officers_named


@requires(Role.ADMIN)
async def petugas(update: Update, context: BotContext) -> None:
    """Shows the officers with their workload; `/petugas Ani` finds an officer by name."""
    if context.args:
        await _find(update, context, " ".join(context.args))
        return
    async with context.services.uow(write=False) as uow:
        page = await officer_page(uow, today_of(context), 0)
    text, markup = render_officers(context.tr, page)
    await reply(update, context, text, markup=markup)


async def _find(update: Update, context: BotContext, query: str) -> None:
    """One officer found: their screen; several: the list of them; none: why, and all."""
    tr = context.tr
    async with context.services.uow(write=False) as uow:
        found = await officers_named(uow, today_of(context), query)
        page = await officer_page(uow, today_of(context), 0)
    if len(found) == 1:
        text, markup = render_officer(tr, found[0])
    elif found:
        shown = found[:PAGE_SIZE]
        matches = OfficerPage(shown, page_window(len(shown), 0), page.queue)
        text, markup = render_officers(tr, matches)
        text = "\n\n".join([tr.t("petugas.search.found", query=query), text])
    else:
        text, markup = render_officers(tr, page)
        text = "\n\n".join([tr.t("petugas.search.none", query=query), text])
    await reply(update, context, text, markup=markup)


async def _start_search(update: Update, context: BotContext, officer_id: int) -> None:
    """*Tugaskan satu*: asks for a name, NIK koperasi or kecamatan (a form, so typed)."""
    await officer_by_id(context, officer_id)
    await answer_callback(update, context)
    spec = context.services.forms.spec(SEARCH_FORM)
    if spec is not None:
        await start_form(update, context, spec, subject=officer_subject(officer_id))


@requires(Role.ADMIN)
async def on_petugas_button(update: Update, context: BotContext) -> None:
    """Every `p:` button: decoded, re-authorised, answered once, then shown in place."""
    query = update.callback_query
    button = PetugasButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    ids = list(button.numbers)
    try:
        if button.action is PetugasAction.SEARCH:
            await _start_search(update, context, ids[0])
            return
        screen = await ACTIONS[button.action](context, ids, update.update_id)
    except InputError as error:
        await answer_callback(update, context, context.tr.t(error.key, **error.params))
        return
    await answer_callback(update, context)
    await show(update, context, *screen)
