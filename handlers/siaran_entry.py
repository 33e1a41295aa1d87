"""/rekap's drill-down into /siaran: a broadcast to the boards of exactly the cooperatives a
roll-up row counted. Admins only; the segment step is skipped and the label is shown in the
preview (docs/rules.md#broadcasts)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from conversations.siaran import LAMPIRAN, SASARAN, SEGMEN
from domain.access import Role
from domain.broadcast import SegmentKind, koperasi_segment
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.siaran import describe, open_form
from locales import Safe


async def start_siaran_for_koperasi(
    update: Update, context: BotContext, koperasi_ids: Sequence[int], label: str
) -> None:
    """Opens the /siaran form for the boards of `koperasi_ids`, `label` (plain text, not
    HTML: it is stored in the segment and escaped wherever it is shown) naming them.

    Starts at the attachment step with the segment preset (evaluated again when sending
    starts, like any segment). Refused for anyone but an admin.
    """
    if not context.viewer.has(Role.ADMIN):
        await refuse(update, context)
        return
    segment = koperasi_segment(koperasi_ids, label)
    await answer_callback(update, context)  # when a button led here; once at most
    tr = context.tr
    before = tr.t("siaran.from_rekap", segment=Safe(describe(tr, segment)))
    answers = {SASARAN: SegmentKind.KOPERASI.value, SEGMEN: segment.to_json()}
    await open_form(update, context, LAMPIRAN, answers, before=before)
