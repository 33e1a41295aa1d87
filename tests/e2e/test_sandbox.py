"""`python bot.py demo`: the sample world, the page's API acting as personas, the clock moving
the bot's time and the jobs running for the new moment, and a clean start and stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from domain.access import Role
from storage.tables import Koperasi, Kunjungan, RoleGrant, SchedulerRun, Thread
from tests.helpers.sandbox import demo_uow, small_demo

ROOT = Path(__file__).resolve().parents[2]


async def _reply(client: httpx.AsyncClient, user_id: int, after: int) -> dict[str, Any]:
    """The bot's first message in the chat after message `after` (waits for polling)."""
    for _ in range(500):
        messages = (await client.get(f"/api/chat/{user_id}")).json()["messages"]
        out = [m for m in messages if m["direction"] == "out" and m["message_id"] > after]
        if out:
            first: dict[str, Any] = out[0]
            return first
        await asyncio.sleep(0.02)
    raise AssertionError(f"no reply in chat {user_id}")


async def test_the_demo_fills_a_fresh_database_with_the_sample_world() -> None:
    async with small_demo() as demo:
        async with demo_uow(demo) as uow:
            koperasi = await uow.session.scalar(select(func.count()).select_from(Koperasi))
            roles = dict(
                (
                    await uow.session.execute(
                        select(RoleGrant.role, func.count()).group_by(RoleGrant.role)
                    )
                ).all()
            )
            stages = set(await uow.session.scalars(select(Koperasi.tahap).distinct()))
            visits = await uow.session.scalar(select(func.count()).select_from(Kunjungan))
            threads = await uow.session.scalar(select(func.count()).select_from(Thread))
        directory = demo.directory
        assert demo.cfg.database.url.endswith(f"{directory}/demo.db")
        assert demo.cfg.telegram.base_url.startswith("http://127.0.0.1:")
        assert demo.url.startswith("http://127.0.0.1:")
    assert koperasi == 120
    assert roles[Role.ADMIN] == 2
    assert roles[Role.PIMPINAN] == 1
    assert roles[Role.PETUGAS] == 24
    assert roles[Role.PENGURUS] > 10
    assert len(stages) >= 5  # cycles at every stage (a small register may miss one or two)
    assert visits
    assert threads
    assert not directory.exists()  # the database went with the demo


async def test_a_persona_chats_and_gets_the_menu_of_their_roles() -> None:
    async with small_demo() as demo, httpx.AsyncClient(base_url=demo.url) as client:
        officer = next(p for p in demo.sandbox.personas.all() if p.role == "petugas")
        assert (await client.post("/api/open", json={"user_id": officer.user_id})).is_success
        sent = await client.post("/api/send", json={"user_id": officer.user_id, "text": "/start"})
        reply = await _reply(client, officer.user_id, sent.json()["message_id"])
        for _ in range(500):
            commands = (await client.get(f"/api/chat/{officer.user_id}")).json()["commands"]
            if any(c["command"] == "koperasi" for c in commands):
                break
            await asyncio.sleep(0.02)
        stranger = await client.post("/api/send", json={"user_id": 1, "text": "/start"})
    assert "petugas" in reply["text"]
    assert {"start", "koperasi"} <= {c["command"] for c in commands}
    assert stranger.status_code == 400  # only the sandbox's personas can be acted as


async def test_a_newcomer_holds_a_fresh_invite_that_the_bot_accepts() -> None:
    async with small_demo() as demo, httpx.AsyncClient(base_url=demo.url) as client:
        newcomer = (await client.post("/api/newcomer", json={"role": "petugas"})).json()
        await client.post("/api/open", json={"user_id": newcomer["user_id"]})
        text = f"/start {newcomer['invite_code']}"
        sent = await client.post("/api/send", json={"user_id": newcomer["user_id"], "text": text})
        consent = await _reply(client, newcomer["user_id"], sent.json()["message_id"])
    assert newcomer["role"] == "newcomer"
    assert re.fullmatch(r"[A-Z0-9]{8,}", newcomer["invite_code"])
    assert "petugas" in consent["text"]
    assert consent["reply_markup"]["inline_keyboard"]  # agree / disagree


async def test_moving_the_clock_moves_the_bots_time_and_runs_the_jobs_due() -> None:
    # 1 March 2027 is a Monday: the jump also draws the weekly roll-up's chart in a worker
    # process before it answers (seconds on a loaded machine).
    timeout = httpx.Timeout(60)
    async with (
        small_demo() as demo,
        httpx.AsyncClient(base_url=demo.url, timeout=timeout) as client,
    ):
        before = (await client.get("/api/clock")).json()
        march = next(p for p in before["presets"] if p["label"] == "1 Maret")
        moved = (await client.post("/api/clock", json={"date": march["date"]})).json()
        bot_now = demo.sandbox.app.bot_data.services.clock.now()
        back = await client.post("/api/clock", json={"date": "2020-01-01"})
        async with demo_uow(demo) as uow:
            runs = (await uow.session.scalars(select(SchedulerRun))).all()
    now = datetime.fromisoformat(moved["now"])
    assert now.astimezone(demo.cfg.region.tz).date().isoformat() == march["date"]
    assert bot_now - now < timedelta(minutes=1)  # the bot reads the moved clock
    # Every job due ran for the new moment (the tick, the daily recompute and
    # the reminders among them), each recorded once.
    ran = {r["job"]: datetime.fromisoformat(r["due"]) for r in moved["ran"]}
    assert {"tick", "rat_recompute", "plan_reminders"} <= set(ran)
    for job, moment in ran.items():
        assert [r.outcome for r in runs if (r.job, r.due_at) == (job, moment)] == ["done"]
    assert ran["rat_recompute"].astimezone(demo.cfg.region.tz).date().isoformat() == march["date"]
    assert back.status_code == 400  # never backwards


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _exists(path: Path) -> bool:
    return path.exists()


def _processes_marked(mark: str) -> list[int]:
    """Live processes whose environment carries `mark` (the demo and anything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def test_make_demo_starts_on_loopback_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    web_port, stub_port, mark = _free_port(), _free_port(), f"GEMPUR_DEMO_TEST={uuid.uuid4()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
    env["GEMPUR_DEMO_TEST"] = mark.split("=", 1)[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bot.py"), "demo", "--port", str(web_port),
        "--stub-port", str(stub_port), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or "ready" not in lines[-1]:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=90)).decode()
        assert line, f"the demo ended early: {lines}"
        lines.append(line)
    url = f"http://127.0.0.1:{web_port}/"
    async with httpx.AsyncClient() as client:
        page = await client.get(url)
    directory = Path(re.search(r"sqlite\+aiosqlite:///(\S+)/demo\.db", "".join(lines))[1])  # type: ignore[index]
    assert url in lines[-1]
    assert page.status_code == 200
    assert "Gempur sandbox" in page.text
    assert _exists(directory)
    assert not _exists(tmp_path / "gempur.db")  # the configured database is never made
    assert not _bindable(web_port)
    assert not _bindable(stub_port)

    process.send_signal(signal.SIGINT)
    rest = (await asyncio.wait_for(process.stdout.read(), timeout=60)).decode()
    assert await process.wait() == 0
    assert "sandbox stopped" in rest
    assert _bindable(web_port)
    assert _bindable(stub_port)
    assert not _exists(directory)
    assert _processes_marked(mark) == []


async def test_a_board_invite_for_a_chosen_cooperative_names_it() -> None:
    async with small_demo() as demo, httpx.AsyncClient(base_url=demo.url) as client:
        card = next(iter(demo.sandbox.world.koperasi.values()))
        body = {"role": "pengurus", "koperasi_key": card.key}
        newcomer = (await client.post("/api/newcomer", json=body)).json()
        await client.post("/api/open", json={"user_id": newcomer["user_id"]})
        text = f"/start {newcomer['invite_code']}"
        sent = await client.post("/api/send", json={"user_id": newcomer["user_id"], "text": text})
        consent = await _reply(client, newcomer["user_id"], sent.json()["message_id"])
        unknown = await client.post(
            "/api/newcomer", json={"role": "pengurus", "koperasi_key": "no-such-key"}
        )
    assert card.nama in newcomer["detail"]
    assert card.nama in consent["text"]
    assert unknown.status_code == 400


async def test_a_port_in_use_stops_the_demo_with_one_line_and_nothing_left(
    tmp_path: Path,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bot.py"), "demo", "--port", str(port), cwd=tmp_path,
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    started = re.search(r"sqlite\+aiosqlite:///(\S+)/demo\.db", out.decode())
    assert process.returncode == 2
    assert "the sandbox could not start" in err.decode()
    assert "another --port" in err.decode()
    assert started is None  # it never announced itself ready


async def test_a_broken_config_stops_the_demo_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[region]\ntz = "Mars/Olympus"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bot.py"), "demo", "--port", "0", "--config", str(config),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 2
    assert "region.tz" in err.decode()
    assert "ready" not in out.decode()
