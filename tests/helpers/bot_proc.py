"""`python bot.py run` with the test-only form added, for crash tests in a separate process.

python -m tests.helpers.bot_proc CONFIG.toml
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot import build_application, serve
from config import load_config
from runtime.logs import configure_logging
from tests.helpers.forms import EXTRA_FORMS


async def _main(config_path: str) -> int:
    cfg = load_config(Path(config_path))
    configure_logging(cfg.logging)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return await serve(build_application(cfg, extra_forms=EXTRA_FORMS), stop)


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1])))
