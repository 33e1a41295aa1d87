"""The page's clock control: move the bot's clock forward, then run what fell due.

The bot reads time from the same `SandboxClock`, so a jump is seen by every deadline and
check at once. The job registry's loops notice a jump within their longest wait; the control
does not wait for that: it runs a pass of the registry (`jobs.job_registry`) at once, which
claims each due moment in `scheduler_run` like the loops do, so nothing runs twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from handlers.context import GempurApp
from jobs import job_registry
from sandbox.clock import SandboxClock, morning_of, next_date

#: The page's quick jumps: (label, month, day) — the year's start, RAT season, the deadline.
PRESETS = (("2 Januari", 1, 2), ("1 Maret", 3, 1), ("1 April", 4, 1))
MAX_DAYS = 366


def add_clock_routes(app: web.Application, bot: GempurApp, clock: SandboxClock) -> None:
    """GET /api/clock (now and the jumps) and POST /api/clock (move, then run due jobs)."""
    control = _ClockControl(bot, clock)
    app.router.add_get("/api/clock", control.read)
    app.router.add_post("/api/clock", control.move)


class _ClockControl:
    def __init__(self, bot: GempurApp, clock: SandboxClock) -> None:
        self.bot = bot
        self.clock = clock
        self.tz = bot.bot_data.services.config.region.tz

    def _view(self, ran: list[tuple[str, datetime]] | None = None) -> dict[str, Any]:
        now = self.clock.now()
        today = now.astimezone(self.tz).date()
        view: dict[str, Any] = {
            "now": now.isoformat(),
            "local": now.astimezone(self.tz).strftime("%a %d %b %Y %H:%M"),
            "offset_days": round(self.clock.offset / timedelta(days=1), 2),
            "presets": [
                {"label": label, "date": next_date(today, month, day).isoformat()}
                for label, month, day in PRESETS
            ],
        }
        if ran is not None:
            view["ran"] = [{"job": name, "due": due.isoformat()} for name, due in ran]
        return view

    async def read(self, request: web.Request) -> web.Response:
        return web.json_response(self._view())

    async def move(self, request: web.Request) -> web.Response:
        """`{"days": n}` forward, or `{"date": "YYYY-MM-DD"}` (08:00 local) ahead of now."""
        body = await request.json()
        try:
            self._apply(body if isinstance(body, dict) else {})
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        ran = await job_registry(self.bot).run_due()
        return web.json_response(self._view(ran))

    def _apply(self, body: dict[str, Any]) -> None:
        if "date" in body:
            target = morning_of(date.fromisoformat(str(body["date"])), self.tz)
            if target <= self.clock.now():
                raise ValueError("the sandbox clock only moves forward")
            if target - self.clock.now() > timedelta(days=MAX_DAYS):
                raise ValueError(f"at most {MAX_DAYS} days at once")
            self.clock.jump_to(target)
            return
        days = float(body.get("days", 1))
        if not 0 < days <= MAX_DAYS:
            raise ValueError(f"move forward by 0-{MAX_DAYS} days")
        self.clock.advance(timedelta(days=days))
