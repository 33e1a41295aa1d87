"""Gempur's one entry point: the command line and the composition root (`build_application`).

    python bot.py run                 poll Telegram and serve people
    python bot.py migrate             bring the database schema up to date
    python bot.py admin add ID        make a Telegram user id an admin
    python bot.py import FILE         import the register (CSV/XLSX); --dry-run only previews
    python bot.py recompute           stage, flags, activity; [rat] config to open cycles
    python bot.py remind              plan today's reminders; --at ISO, --dry-run only counts
    python bot.py export FILE.xlsx    the XLSX export; --period N, --kecamatan NAME
    python bot.py demo                the sandbox: stand-in, sample database, web chat page
Every subcommand takes --config PATH (default config.toml, or GEMPUR_CONFIG).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

import handlers
from config import AppConfig, ConfigError, LoggingConfig, load_config, resolve_config_path
from conversations import forms
from conversations.engine import FormEngine
from conversations.spec import FormSpec
from domain.access import Role
from domain.clock import Clock
from handlers.context import AppServices, BotContext, BotData, GempurApp
from handlers.menus import set_default_menus
from handlers.ordering import PerChatUpdateProcessor
from jobs import job_registry
from locales import Catalogues
from runtime.bot_api_http import AiohttpRequest
from runtime.chat_waits import ChatWaits
from runtime.clock import SystemClock
from runtime.leader import keep_leadership, leader_lock_for, wait_for_leadership
from runtime.logs import configure_logging
from runtime.parsed_keyboards import remember_parsed_keyboards
from sandbox.demo import DemoOptions, serve_demo
from services.export_cli import export_command
from services.outbox import (
    OutboxSender,
    PtbBotApi,
    RecoveryReport,
    default_holder,
    enqueue_message,
)
from services.rat_cli import recompute_command
from services.register_cli import import_file
from services.register_recovery import report_interrupted_imports
from services.reminders.cli import parse_at, remind_command
from services.roles import grant_role
from storage.engine import background_engine, create_engine, session_factory
from storage.migrate import DatabaseNotMigratedError, ensure_up_to_date, upgrade
from storage.outbox_doorbell import OutboxDoorbell
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.uow import UnitOfWork
from storage.viewer_cache import ViewerCache

logger = logging.getLogger("gempur")

# The updates Gempur acts on; everything else is never fetched.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]

EXIT_USAGE = 2
SETUP_HINT = (
    "GEMPUR_TELEGRAM_TOKEN is not set: set it in the environment, or put the token from "
    "@BotFather in [telegram] token of the config file"
)


def build_application(
    cfg: AppConfig,
    *,
    clock: Clock | None = None,
    extra_forms: Sequence[FormSpec] = (),
) -> GempurApp:
    """Builds the application and its services; connects to nothing yet.

    `extra_forms`: forms (each with its command) that tests add to the real forms.
    """
    engine = create_engine(cfg.database.url, echo=cfg.database.echo)
    background = background_engine(engine)
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, cfg.region.tz)
    form_table = forms(catalogues, extra_forms, cfg)
    clock = clock or SystemClock()
    # Every session of the bot tells the viewer cache what its commits changed, and rings
    # the leader's sender when it queued an interactive message.
    viewers = ViewerCache(clock)
    doorbell = OutboxDoorbell()
    services = AppServices(
        config=cfg,
        engine=engine,
        sessions=session_factory(engine, viewer_changes=viewers, outbox_doorbell=doorbell),
        background_engine=background,
        background_sessions=session_factory(
            background, viewer_changes=viewers, outbox_doorbell=doorbell
        ),
        catalogues=catalogues,
        clock=clock,
        forms=FormEngine(form_table, cfg.forms, cfg.region.tz, policy=cfg.rat.policy()),
        viewers=viewers,
        outbox_doorbell=doorbell,
    )
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    app: GempurApp = (
        ApplicationBuilder()
        .token(cfg.telegram.token)
        .base_url(cfg.telegram.base_url)
        .base_file_url(cfg.telegram.base_file_url)
        .context_types(context_types)
        .concurrent_updates(PerChatUpdateProcessor(cfg.telegram.concurrent_updates))
        .request(
            AiohttpRequest(
                connections=cfg.telegram.connections,
                pool_timeout=cfg.telegram.connection_wait_seconds,
            )
        )
        .get_updates_request(AiohttpRequest(connections=1))
        # Flood waits per chat for direct replies (PTB's AIORateLimiter would stall all chats).
        .rate_limiter(ChatWaits())
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=cfg.region.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .build()
    )
    app.bot_data.attach(services)
    # A pressed keyboard the bot sent or received before is not parsed again per update.
    remember_parsed_keyboards(app.bot)
    handlers.register(app, cfg)
    return app


async def on_startup(app: GempurApp) -> None:
    """Grants the configured admins their role, reports interrupted imports, sets the menus."""
    services = app.bot_data.services
    await grant_configured_admins(services)
    async with services.uow() as uow:  # before any update: an import a crash interrupted
        await report_interrupted_imports(uow, services.catalogues, services.clock.now())
        await uow.commit()
    await set_default_menus(app.bot, services.catalogues)


async def grant_configured_admins(services: AppServices) -> None:
    """Makes every `[access] admin_telegram_ids` entry an admin (idempotent)."""
    for telegram_user_id in services.config.access.admin_telegram_ids:
        async with services.uow() as uow:
            await add_admin(uow, telegram_user_id, services.catalogues, services.clock)
            await uow.commit()


async def add_admin(
    uow: UnitOfWork, telegram_user_id: int, catalogues: Catalogues, clock: Clock
) -> bool:
    """Grants the admin role to a Telegram user id; False if they had it already.

    As every role change, it sets the chat's command menu and hands the new admin the access
    requests still waiting (`services.roles`), through the outbox a running bot sends.
    """
    now = clock.now()
    person = await uow.people.get_by_telegram_id(telegram_user_id)
    if person is None:
        person = await uow.people.add(telegram_user_id=telegram_user_id, now=now)
    if await uow.roles.has_role(person.id, Role.ADMIN):
        return False
    await grant_role(
        uow, person, Role.ADMIN, catalogues=catalogues, cause=f"admin:{now.isoformat()}", now=now
    )
    await uow.audit.record(
        actor_person_id=None,
        action="role.grant",
        entity="person",
        entity_id=str(person.id),
        details={"role": Role.ADMIN.value, "via": "config or cli"},
        at=now,
    )
    return True


async def serve(app: GempurApp, stop: asyncio.Event) -> int:
    """Stands by until it holds the leader lock, then polls and serves until `stop` is set.

    Used by `run` and by the end-to-end tests. Returns the exit code: non-zero when the
    leadership was lost (a supervisor restarts the process, which then stands by).
    """
    services = app.bot_data.services
    lock = leader_lock_for(services.engine, services.clock)
    try:
        if not await wait_for_leadership(lock, stop):
            return 0  # asked to stop while standing by
        lost = asyncio.Event()
        keeper = asyncio.create_task(keep_leadership(lock, stop, lost))
        try:
            await _lead(app, stop, lost)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            if not lost.is_set():  # released only once polling and sending have stopped
                await lock.release()
        return 1 if lost.is_set() else 0
    finally:
        await services.dispose()


@contextlib.asynccontextmanager
async def _initialized(app: GempurApp) -> AsyncIterator[GempurApp]:
    """`async with app` (initialize: getMe … shutdown) that also closes the HTTP sessions when
    initialize fails: a refused token fails it after they were opened, and PTB's shutdown
    skips an application that never finished initializing, so aiohttp would report them
    unclosed at exit. `Bot.shutdown` is a no-op after a normal shutdown."""
    try:
        async with app:
            yield app
    finally:
        await app.bot.shutdown()


async def _lead(app: GempurApp, stop: asyncio.Event, lost: asyncio.Event) -> None:
    """Polls, sends and runs the scheduled jobs until asked to stop or the leadership is lost."""
    services = app.bot_data.services
    async with _initialized(app):  # initialize (getMe) ... shutdown
        sender = OutboxSender(
            services.sessions,
            PtbBotApi(app.bot),
            services.clock,
            services.config.delivery,
            services.config.region.tz,
            default_holder(),
        )
        services.outbox_doorbell.install(sender.wake)
        await report_recovery(services, await sender.recover())
        await on_startup(app)
        sending_stop = asyncio.Event()
        sending = asyncio.create_task(sender.run(sending_stop))
        # Scheduled jobs run in the leader only, from now until polling has stopped.
        scheduled = job_registry(app)
        scheduled.start()
        assert app.updater is not None  # noqa: S101 - ApplicationBuilder always builds one
        try:
            await app.updater.start_polling(
                timeout=services.config.telegram.poll_timeout_seconds,
                allowed_updates=ALLOWED_UPDATES,
            )
            await app.start()
            logger.info("polling as @%s", app.bot.username)
            await _first_of(stop, lost, _done(sending))
            logger.info("stopping" if stop.is_set() else "leadership lost: stopping at once")
            await app.updater.stop()
            await app.stop()
        finally:
            # A run in progress finishes (its messages are queued) unless leadership is lost.
            await scheduled.stop(at_once=lost.is_set())
            sending_stop.set()
            await sending  # the in-flight requests finish and are recorded
            services.outbox_doorbell.uninstall()


async def report_recovery(services: AppServices, report: RecoveryReport) -> None:
    """Tells the admins what a crash left uncertain: never hidden, never re-sent in bulk."""
    if not report.total:
        return
    logger.warning(
        "outbox after restart: %d bulk messages in doubt (not re-sent), %d re-queued",
        report.in_doubt,
        report.requeued,
    )
    now = services.clock.now()
    async with services.uow() as uow:
        for telegram_user_id in services.config.access.admin_telegram_ids:
            tr = services.catalogues.get(None)
            await enqueue_message(
                uow,
                key=f"recovery:{now.isoformat()}:{telegram_user_id}",
                chat_id=telegram_user_id,
                text=tr.t("outbox.recovered", in_doubt=report.in_doubt, requeued=report.requeued),
                priority=PRIORITY_INTERACTIVE,
                kind="notice",
                now=now,
            )
        await uow.commit()


def _done(task: asyncio.Task[None]) -> asyncio.Event:
    """An event set when `task` ends (a sender that died stops the bot rather than hiding)."""
    event = asyncio.Event()
    task.add_done_callback(lambda _: event.set())
    return event


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _run(cfg: AppConfig) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    app = build_application(cfg)
    # Everything built so far (modules, catalogues, the application) lives as long as the
    # process: keep it out of the garbage collector's full passes, which otherwise scan it
    # all again every few seconds under load and stall every chat meanwhile.
    gc.collect()
    gc.freeze()
    try:
        return await serve(app, stop)
    except InvalidToken:
        print(
            f"the Bot API at {cfg.telegram.base_url} refused the token: check "
            "GEMPUR_TELEGRAM_TOKEN (the stand-in prints the one it takes)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except NetworkError as exc:
        print(f"cannot reach the Bot API at {cfg.telegram.base_url}: {exc}", file=sys.stderr)
        return 1


async def _check_database(cfg: AppConfig) -> None:
    engine = create_engine(cfg.database.url)
    try:
        await ensure_up_to_date(engine)
    finally:
        await engine.dispose()


def cmd_run(cfg: AppConfig) -> int:
    """`run`: refuse a missing token or an unmigrated database, then poll until a signal."""
    if not cfg.telegram.token:
        print(SETUP_HINT, file=sys.stderr)
        return EXIT_USAGE
    try:
        asyncio.run(_check_database(cfg))
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_run(cfg))


def cmd_migrate(cfg: AppConfig) -> int:
    """`migrate`: runs before any event loop, as Alembic's async env calls asyncio.run."""
    upgrade(cfg.database.url)
    print("database is up to date")
    return 0


async def _admin_add(cfg: AppConfig, telegram_user_id: int) -> bool:
    await _check_database(cfg)
    engine = create_engine(cfg.database.url)
    try:
        catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, cfg.region.tz)
        async with UnitOfWork(session_factory(engine), write=True) as uow:
            added = await add_admin(uow, telegram_user_id, catalogues, SystemClock())
            await uow.commit()
    finally:
        await engine.dispose()
    return added


def cmd_admin_add(cfg: AppConfig, telegram_user_id: int) -> int:
    """`admin add ID`: grants the admin role."""
    try:
        added = asyncio.run(_admin_add(cfg, telegram_user_id))
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    print(f"{telegram_user_id} is {'now' if added else 'already'} an admin")
    return 0


def cmd_import(cfg: AppConfig, file: str, *, dry_run: bool) -> int:
    """`import FILE [--dry-run]`: prints the preview; without --dry-run imports the valid rows."""
    try:
        return asyncio.run(import_file(cfg, Path(file), dry_run=dry_run, clock=SystemClock()))
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


def cmd_recompute(cfg: AppConfig, tahun_buku: int | None) -> int:
    """`recompute [--tahun-buku N]`: every cooperative, open cycles given the [rat] config."""
    try:
        return asyncio.run(recompute_command(cfg, tahun_buku=tahun_buku, clock=SystemClock()))
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


def cmd_remind(cfg: AppConfig, at: str | None, *, dry_run: bool) -> int:
    """`remind [--at ISO] [--dry-run]`: one planner pass into the outbox (or only counted)."""
    try:
        moment = parse_at(at, cfg) if at else None
    except ValueError:
        print(f"--at: not an ISO date or date and time: {at}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(remind_command(cfg, at=moment, dry_run=dry_run, clock=SystemClock()))
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


def cmd_export(cfg: AppConfig, file: str, period: int | None, kecamatan: str | None) -> int:
    """`export FILE.xlsx [--period N] [--kecamatan NAME]`: the regency's export, streamed."""
    try:
        return asyncio.run(
            export_command(
                cfg, Path(file), period=period, kecamatan=kecamatan, clock=SystemClock()
            )
        )
    except DatabaseNotMigratedError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


def cmd_demo(args: argparse.Namespace) -> int:
    """`demo`: the sandbox on loopback (needs no token and no config file)."""
    configure_logging(LoggingConfig())
    config_path = resolve_config_path(args.config)
    options = DemoOptions(config_path=config_path, web_port=args.port, stub_port=args.stub_port)
    return asyncio.run(serve_demo(options, build_application, serve))


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line; every subcommand takes --config."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="config file (default: config.toml)")
    parser = argparse.ArgumentParser(prog="bot.py", description="Gempur Koperasi bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", parents=[common], help="poll Telegram and serve")
    commands.add_parser("migrate", parents=[common], help="upgrade the database schema")
    admin = commands.add_parser("admin", help="manage admins")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    add = admin_commands.add_parser("add", parents=[common], help="make a user id an admin")
    add.add_argument("telegram_user_id", type=int, metavar="ID")
    register = commands.add_parser(
        "import", parents=[common], help="import the register from a CSV or XLSX file"
    )
    register.add_argument("file", metavar="FILE")
    register.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
    recompute = commands.add_parser(
        "recompute", parents=[common], help="recompute every cooperative's RAT standing"
    )
    recompute.add_argument(
        "--tahun-buku", type=int, metavar="N", help="apply the [rat] config to year N only"
    )
    remind = commands.add_parser(
        "remind", parents=[common], help="plan the reminders due (the leader sends them)"
    )
    remind.add_argument("--at", metavar="ISO", help="plan for this moment (default: now)")
    remind.add_argument("--dry-run", action="store_true", help="count and show, write nothing")
    export = commands.add_parser(
        "export", parents=[common], help="write the XLSX export (Koperasi, Checklist, ...)"
    )
    export.add_argument("file", metavar="FILE.xlsx")
    export.add_argument(
        "--period", type=int, metavar="YEAR", help="tahun buku (default: last year's)"
    )
    export.add_argument("--kecamatan", metavar="NAME", help="one kecamatan (default: all)")
    demo = commands.add_parser(
        "demo", parents=[common], help="the sandbox: the bot on the stand-in, with a web page"
    )
    demo.add_argument("--port", type=int, default=8090, help="the page's port (0: any free)")
    demo.add_argument("--stub-port", type=int, default=0, help="the stand-in's port")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line, loads the config and runs one subcommand."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "demo":  # its own config: no token, never the configured database
        return cmd_demo(args)
    try:
        cfg = load_config(resolve_config_path(args.config))
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    configure_logging(cfg.logging)
    subcommands: dict[str, Callable[[], int]] = {
        "run": lambda: cmd_run(cfg),
        "migrate": lambda: cmd_migrate(cfg),
        "import": lambda: cmd_import(cfg, args.file, dry_run=args.dry_run),
        "recompute": lambda: cmd_recompute(cfg, args.tahun_buku),
        "remind": lambda: cmd_remind(cfg, args.at, dry_run=args.dry_run),
        "export": lambda: cmd_export(cfg, args.file, args.period, args.kecamatan),
        "admin": lambda: cmd_admin_add(cfg, args.telegram_user_id),
    }
    return subcommands[args.command]()


if __name__ == "__main__":
    sys.exit(main())
