"""Where /rekap's *Kirim pengingat* hands over to broadcasts (`/siaran`).

Placeholder until broadcasts land: it only says they are not available yet. The broadcasts
module replaces this file, keeping the signature.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from handlers.context import BotContext
from handlers.replies import reply


async def start_siaran_for_koperasi(
    update: Update, context: BotContext, koperasi_ids: Sequence[int], label: str
) -> None:
    """Starts a broadcast pre-filled for the boards of `koperasi_ids` (`label`: what they are)."""
    del koperasi_ids, label
    await reply(update, context, context.tr.t("siaran.unavailable"))
