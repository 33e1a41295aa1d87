"""A bare python-telegram-bot echo bot: the yardstick for bench/throughput.py.

python bench/echo_bot.py BASE_URL TOKEN
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Replies with the text it got."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    """Polls the given Bot API server until interrupted."""
    base_url, token = sys.argv[1], sys.argv[2]
    app = Application.builder().token(token).base_url(f"{base_url}/bot").build()
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(poll_interval=0, timeout=1)


if __name__ == "__main__":
    main()
