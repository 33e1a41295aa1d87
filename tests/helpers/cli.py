"""`python bot.py <subcommand>` as an operator runs it: a subprocess with only our settings."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"


async def bot_cli(
    *args: str, database_url: str, cwd: Path, config: Path = EXAMPLE
) -> tuple[int, str, str]:
    """Runs `bot.py` with `args` against `database_url`; (exit code, stdout, stderr).

    The caller's GEMPUR_* settings are dropped, so only the config file and the database URL
    given here count. A traceback on stderr fails the test: operators get one-line errors.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
    environment.update({"GEMPUR_CONFIG": str(config), "GEMPUR_DATABASE_URL": database_url})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        cwd=cwd,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    assert "Traceback" not in stderr.decode()
    return process.returncode, stdout.decode(), stderr.decode()
