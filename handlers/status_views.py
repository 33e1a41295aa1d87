"""How the status card looks, and reading it for a reader who may see it.

Renderers take a `StatusCard` (domain.rat.status) and the reader's translator; the card is
read by `status_for` after checking the reader's right (board seat, or office scope —
pimpinan read the whole region).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from domain.access import Viewer
from domain.callbacks import LaporButton, StatusButton, StatusView
from domain.rat.roles import may_see
from domain.rat.status import CycleStatus, StatusCard
from handlers.context import BotContext
from handlers.keyboards import single
from handlers.koperasi_views import flag_labels
from handlers.values import person_name
from locales import N_, Safe, Translator
from locales.labels import RAT_MODE_KEYS, stage_label
from services.rat_status import first_seen_terms, load_status, new_terms

DEADLINE_KEYS = {
    "target": N_("status.deadline.target"),
    "report": N_("status.deadline.report"),
    "statutory": N_("status.deadline.statutory"),
    "tidak_rat": N_("status.deadline.tidak_rat"),
    "latest_rat": N_("status.deadline.latest_rat"),
}
DAYS_KEYS = {0: N_("status.deadline_today"), 1: N_("status.deadline_tomorrow")}
# One line per official term, explained under the card the first time a person sees it.
TERM_KEYS = {
    "rat": N_("status.term.rat"),
    "tahun_buku": N_("status.term.tahun_buku"),
    "checklist": N_("status.term.checklist"),
    "tahap": N_("status.term.tahap"),
    "tenggat": N_("status.term.tenggat"),
    "tanda": N_("status.term.tanda"),
    "ods": N_("status.term.ods"),
}
# A KDKMP cooperative's card (it reports in SIMKOPDES): the terms that name the system.
SIMKOPDES_TERM_KEYS = {
    "tahap": N_("status.term.tahap.simkopdes"),
    "ods": N_("status.term.simkopdes"),
}
# Activity statuses the office sets; the card says them, for such a cooperative owes no RAT.
OFFICE_STATUS_KEYS = {
    "DALAM_PEMBUBARAN": N_("koperasi.value.aktivitas.dalam_pembubaran"),
    "BUBAR": N_("koperasi.value.aktivitas.bubar"),
}
# The marked spot where the visits feature's follow-ups go (`StatusCard.follow_ups`).
FOLLOW_UPS_TITLE = N_("status.follow_ups")


def _cycle_lines(tr: Translator, cycle: CycleStatus) -> list[str]:
    progress = cycle.progress
    year_key = N_("status.year_ended") if cycle.year_ended else N_("status.year")
    lines = [tr.t(year_key, year=str(cycle.tahun_buku), end=cycle.fiscal_year_end)]
    if progress.mandatory:  # a cycle seeded from the register has no checklist: no "0/0"
        lines.append(tr.t("status.progress", done=progress.done, mandatory=progress.mandatory))
    deadline = cycle.next_deadline
    if deadline is None:
        lines.append(tr.t("status.no_deadline"))
    else:
        what = Safe(tr.t(DEADLINE_KEYS.get(deadline.kind, DEADLINE_KEYS["target"])))
        # Today and tomorrow in words; otherwise the days left (no plural catalogue needed).
        key = DAYS_KEYS.get(deadline.days_left, N_("status.deadline"))
        lines.append(tr.t(key, what=what, day=deadline.day, days=deadline.days_left))
    if cycle.planned_date is None:
        lines.append(tr.t("status.not_planned"))
    elif cycle.mode in RAT_MODE_KEYS:
        mode = Safe(tr.t(RAT_MODE_KEYS[cycle.mode]))
        lines.append(tr.t("status.planned_mode", day=cycle.planned_date, mode=mode))
    else:
        lines.append(tr.t("status.planned", day=cycle.planned_date))
    return lines


def _officer_line(tr: Translator, card: StatusCard, *, office: bool) -> str:
    """The board reads "Petugas pendamping"; the office its card's own line (admins' queue)."""
    if office:
        if card.petugas_id is None:
            return tr.t("koperasi.card.queue")
        return tr.t("koperasi.card.officer", name=person_name(tr, card.petugas_name))
    if card.petugas_id is None:
        return tr.t("status.no_officer")
    return tr.t("status.officer", name=person_name(tr, card.petugas_name))


def status_lines(tr: Translator, card: StatusCard, *, office: bool = False) -> list[str]:
    """The card's lines below its title: year, stage, progress, deadline, flags, plan, officer.

    `office`: shown on the office's cooperative card.
    """
    stage = tr.t("status.stage", stage=Safe(stage_label(tr, card.tahap, card.reporting_system)))
    if card.cycle is None:
        lines = [stage, tr.t("status.no_cycle")]
    else:
        year, *rest = _cycle_lines(tr, card.cycle)
        lines = [year, stage, *rest]
    # Set by the office: it owes no RAT (the office card lists it in the profile).
    if not office and card.status_aktivitas in OFFICE_STATUS_KEYS:
        status = Safe(tr.t(OFFICE_STATUS_KEYS[card.status_aktivitas]))
        lines.append(tr.t("status.office_status", status=status))
    flags = flag_labels(tr, card.flags)
    lines.append(tr.t("status.flags", flags=Safe(flags)) if flags else tr.t("status.no_flags"))
    lines.append(_officer_line(tr, card, office=office))
    if card.last_rat_date is None or card.last_rat_tahun_buku is None:
        lines.append(tr.t("status.no_last_rat"))
    else:
        year = str(card.last_rat_tahun_buku)
        lines.append(tr.t("status.last_rat", year=year, day=card.last_rat_date))
    # Follow-ups the board owes (visits): listed here when the caller supplies them.
    if card.follow_ups:
        lines.append(tr.t(FOLLOW_UPS_TITLE))
        lines += [tr.t("status.follow_up", text=line) for line in card.follow_ups]
    return lines


def status_text(
    tr: Translator,
    card: StatusCard,
    view: StatusView = StatusView.CARD,
    terms: Sequence[str] = (),
) -> str:
    """The whole card; with `EXPLAIN`, every official term explained below it, else the
    `terms` the reader sees for the first time."""
    parts = [tr.t("status.title", nama=card.nama), *status_lines(tr, card)]
    if view is StatusView.EXPLAIN:
        parts += ["", tr.t("status.glossary")]
    elif terms:
        parts += ["", tr.t("status.terms_title")]
        keys = SIMKOPDES_TERM_KEYS if card.reporting_system == "simkopdes" else {}
        parts += [tr.t(keys.get(term, TERM_KEYS[term])) for term in terms if term in TERM_KEYS]
    return "\n".join(parts)


async def first_time_text(
    context: BotContext, card: StatusCard, viewer: Viewer | None = None
) -> str:
    """The card for its reader, with the official terms they see for the first time
    explained under it (remembered, and committed before the card is sent)."""
    viewer = viewer or context.viewer
    terms: tuple[str, ...] = ()
    if viewer.person_id is not None:
        services = context.services
        async with services.uow(write=False) as uow:  # mostly all seen: no write at all
            terms = await new_terms(uow, viewer.person_id, card)
        if terms:
            async with services.uow() as uow:
                terms = await first_seen_terms(uow, viewer.person_id, card, services.clock.now())
                await uow.commit()
    return status_text(context.tr, card, terms=terms)


async def card_and_text(context: BotContext, koperasi_id: int) -> tuple[StatusCard, str] | None:
    """`status_for` then `first_time_text` for the sender, the card and the terms they
    have not seen read in one transaction (a second, writing one only for new terms)."""
    services, viewer = context.services, context.viewer
    today = services.clock.now().astimezone(services.config.region.tz).date()
    terms: tuple[str, ...] = ()
    async with services.uow(write=False) as uow:
        card = await load_status(uow, koperasi_id, services.config.rat.policy(), today)
        if card is None or not may_see(viewer, koperasi_id, card.petugas_id):
            return None
        if viewer.person_id is not None:
            terms = await new_terms(uow, viewer.person_id, card)
    if terms and viewer.person_id is not None:
        async with services.uow() as uow:
            terms = await first_seen_terms(uow, viewer.person_id, card, services.clock.now())
            await uow.commit()
    return card, status_text(context.tr, card, terms=terms)


def status_markup(
    tr: Translator, card: StatusCard, view: StatusView = StatusView.CARD
) -> InlineKeyboardMarkup:
    """*Lapor* (the /lapor menu, when there is a cycle to report on) and *Apa artinya?* (or
    *Sembunyikan penjelasan*) under the card."""
    if view is StatusView.EXPLAIN:
        toggle = single(
            tr.t("status.button.hide"), StatusButton(card.koperasi_id, StatusView.CARD).encode()
        )
    else:
        toggle = single(
            tr.t("status.button.explain"),
            StatusButton(card.koperasi_id, StatusView.EXPLAIN).encode(),
        )
    if card.cycle is None:
        return InlineKeyboardMarkup([toggle])
    report = single(tr.t("status.button.lapor"), LaporButton(card.koperasi_id).encode())
    return InlineKeyboardMarkup([report, toggle])


async def status_for(
    context: BotContext, koperasi_id: int, viewer: Viewer | None = None
) -> StatusCard | None:
    """The card of a cooperative the reader (default: the sender) may see; None otherwise."""
    services = context.services
    tz = services.config.region.tz
    today = services.clock.now().astimezone(tz).date()
    async with services.uow(write=False) as uow:
        card = await load_status(uow, koperasi_id, services.config.rat.policy(), today)
    if card is None or not may_see(viewer or context.viewer, koperasi_id, card.petugas_id):
        return None
    return card
