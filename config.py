"""Typed configuration: one pydantic model per TOML section, loaded by `load_config(path)`.

Nothing is read at import time. Secrets and endpoints may be overridden from the environment
(`GEMPUR_TELEGRAM_TOKEN`, `GEMPUR_DATABASE_URL`, `GEMPUR_TELEGRAM_BASE_URL`,
`GEMPUR_TELEGRAM_BASE_FILE_URL`), so a deployment never needs the token in a file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from domain.rat.calendar import Offsets
from domain.rat.checklist import AuditRule
from domain.rat.policy import ActivityThresholds, RatPolicy
from domain.reminders import DEFAULT_ENTRIES, Anchor, Audience, Entry, Topic
from domain.rollup import Targets, TargetSet

DEFAULT_CONFIG_PATH = "config.toml"
CONFIG_PATH_ENV = "GEMPUR_CONFIG"

ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "GEMPUR_TELEGRAM_TOKEN": ("telegram", "token"),
    "GEMPUR_DATABASE_URL": ("database", "url"),
    "GEMPUR_TELEGRAM_BASE_URL": ("telegram", "base_url"),
    "GEMPUR_TELEGRAM_BASE_FILE_URL": ("telegram", "base_file_url"),
}

DEFAULT_KECAMATAN = [
    "Bantaran",
    "Banyuanyar",
    "Besuk",
    "Dringu",
    "Gading",
    "Gending",
    "Kotaanyar",
    "Kraksaan",
    "Krejengan",
    "Krucil",
    "Kuripan",
    "Leces",
    "Lumbang",
    "Maron",
    "Paiton",
    "Pajarakan",
    "Pakuniran",
    "Sukapura",
    "Sumber",
    "Sumberasih",
    "Tegalsiwalan",
    "Tiris",
    "Tongas",
    "Wonomerto",
]


class ConfigError(Exception):
    """Configuration that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Section(BaseModel):
    # Unknown keys are typos far more often than intentions: refuse them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramConfig(_Section):
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    mode: str = "polling"
    poll_timeout_seconds: int = Field(default=30, ge=0, le=60)
    # HTTP connections kept open to the Bot API (requests in flight at once); replies beyond
    # them wait for a free connection.
    connections: int = Field(default=8, ge=1, le=256)
    # How long a reply may wait for a free connection before it fails (PTB's default is 1 s).
    connection_wait_seconds: float = Field(default=10.0, gt=0, le=60)
    # Updates handled at once (each chat's in order). The work is mostly CPU: more at once
    # only interleaves them, and every update waits for all the others' turns at each database
    # or Bot API call (bench/throughput.py: p95 2.4x the echo bot's at 64, 1.8-2.2x at 8).
    concurrent_updates: int = Field(default=8, ge=1, le=256)

    @field_validator("mode")
    @classmethod
    def _only_polling(cls, value: str) -> str:
        if value != "polling":
            msg = "only 'polling' is supported for now; webhook mode comes in a later release"
            raise ValueError(msg)
        return value

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            msg = "must start with http:// or https://"
            raise ValueError(msg)
        return value.rstrip("/")


class DatabaseConfig(_Section):
    url: str = "sqlite+aiosqlite:///gempur.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value.startswith("postgresql://"):
            msg = "write postgresql+asyncpg:// (SQLAlchemy 2.1 needs the async driver named)"
            raise ValueError(msg)
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            msg = "must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            raise ValueError(msg)
        return value


class RegionConfig(_Section):
    name: str = "Kabupaten Probolinggo"
    office: str = "Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan"
    timezone: str = "Asia/Jakarta"
    kecamatan: list[str] = Field(default_factory=lambda: list(DEFAULT_KECAMATAN), min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone {value!r}"
            raise ValueError(msg) from None
        return value

    @field_validator("kecamatan")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len({k.casefold() for k in value}) != len(value):
            msg = "kecamatan names must be unique"
            raise ValueError(msg)
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The region's time zone."""
        return ZoneInfo(self.timezone)


class I18nConfig(_Section):
    default_locale: str = "id"
    locales: list[str] = Field(default_factory=lambda: ["id", "en"], min_length=1)

    @model_validator(mode="after")
    def _default_available(self) -> I18nConfig:
        if self.default_locale not in self.locales:
            msg = f"default_locale {self.default_locale!r} is not in locales"
            raise ValueError(msg)
        return self


class AccessConfig(_Section):
    admin_telegram_ids: list[int] = Field(default_factory=list)
    # Where redacted error notices go (an admin's private chat); 0 = nowhere.
    error_chat_id: int = 0
    # Invites stop working this many days after they are made.
    invite_ttl_days: int = Field(default=30, ge=1, le=365)
    # How many board members (pengurus) one cooperative's invite can link.
    board_invite_max_uses: int = Field(default=5, ge=1, le=50)
    # After a refused access request, the same person may ask again only this many days later.
    join_request_cooldown_days: int = Field(default=7, ge=0, le=365)


class DeliveryConfig(_Section):
    global_rate_per_second: float = Field(default=25.0, gt=0, le=30)
    per_chat_interval_seconds: float = Field(default=1.0, ge=1.0)
    max_in_flight: int = Field(default=4, ge=1, le=16)
    window_start: time = time(7, 0)
    window_end: time = time(20, 0)
    broadcast_expiry_hours: int = Field(default=48, ge=1)

    @model_validator(mode="after")
    def _window_order(self) -> DeliveryConfig:
        if self.window_start >= self.window_end:
            msg = "window_start must be before window_end"
            raise ValueError(msg)
        return self


class FormsConfig(_Section):
    idle_timeout_hours: float = Field(default=24, gt=0)
    draft_retention_days: int = Field(default=14, ge=1)
    album_quiet_seconds: float = Field(default=2.0, gt=0, le=30)


class VisitsConfig(_Section):
    """Officers' visit reports (/kunjungan) and follow-ups (/tindaklanjut)."""

    # How far back a visit's date may lie (never in the future).
    max_days_back: int = Field(default=30, ge=1, le=366)
    # Longest free-text answer (findings, obstacles, the note), in characters.
    max_text_length: int = Field(default=1500, ge=50, le=3500)
    # A submitted visit may be corrected this long; each correction keeps the previous version.
    correction_days: int = Field(default=7, ge=0, le=90)
    # Tell the cooperative's board that a visit was logged, with the follow-ups they owe.
    notify_board: bool = False


class FilesConfig(_Section):
    """Uploaded files (the register import and later uploads): caps and the worker's budget."""

    max_rows: int = Field(default=200_000, ge=10, le=1_048_576)
    max_columns: int = Field(default=200, ge=10, le=16_384)
    # What an XLSX (a zip) may unpack to, in total, and how much one part may compress.
    max_unpacked_mb: int = Field(default=400, ge=1, le=4096)
    max_ratio: int = Field(default=200, ge=10)
    worker_seconds: float = Field(default=120.0, gt=0, le=3600)
    worker_memory_mb: int = Field(default=1024, ge=256)


class ExportConfig(_Section):
    """XLSX exports (/ekspor): built in a worker process within this budget."""

    worker_seconds: float = Field(default=600.0, gt=0, le=3600)
    worker_memory_mb: int = Field(default=1024, ge=256)
    # How often the progress message is brought up to date.
    progress_seconds: float = Field(default=3.0, gt=0, le=60)


class RelayConfig(_Section):
    """Conversations between boards and officers (/hubungi, *Balas*, /pesan)."""

    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # The officer's answer also reaches the cooperative's other board members.
    answer_all_members: bool = False
    # Waiting longer than this many working days reminds the officer, then escalates.
    remind_after_working_days: int = Field(default=2, ge=0, le=30)
    escalate_after_working_days: int = Field(default=4, ge=1, le=60)

    @property
    def idle(self) -> timedelta:
        """How long a relay session lasts without a message."""
        return timedelta(minutes=self.idle_minutes)


class PrivacyConfig(_Section):
    # Conversations between boards and officers are kept this long after their last message,
    # then deleted. At least a year and a day: a season (1 January to its end, within the
    # year) never loses a thread, so its roll-up's waits and answer times stay whole.
    thread_retention_days: int = Field(default=730, ge=366)
    # A broadcast's text is emptied this long after it settled; its counts are kept.
    broadcast_retention_days: int = Field(default=90, ge=7)
    # A message the outbox has settled (sent, failed, expired, cancelled, superseded, in
    # doubt) keeps its text this long, then its payload is emptied; the row and its key stay.
    outbox_retention_days: int = Field(default=30, ge=7, le=366)
    # The address people can write to about their data (shown in the privacy notice).
    contact: str = "Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan"


class CalendarConfig(_Section):
    holidays: list[date] = Field(default_factory=list)


class ReminderEntryConfig(_Section):
    """One line of the reminder calendar: `days` from `anchor`, to `to`, about `topic`."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    topic: Topic
    anchor: Anchor
    days: int = Field(ge=-366, le=366)
    to: list[Audience] = Field(min_length=1)

    def entry(self) -> Entry:
        """The domain's calendar entry."""
        return Entry(self.name, self.topic, self.anchor, self.days, tuple(self.to))

    @model_validator(mode="after")
    def _valid_entry(self) -> ReminderEntryConfig:
        self.entry()  # the domain refuses a topic counted from an anchor it cannot use
        return self


class RemindersConfig(_Section):
    """The reminder calendar (docs/rules.md) and how reminders are bundled per person."""

    entries: list[ReminderEntryConfig] = Field(
        default_factory=lambda: [
            ReminderEntryConfig(
                name=e.name, topic=e.topic, anchor=e.anchor, days=e.days, to=list(e.audience)
            )
            for e in DEFAULT_ENTRIES
        ]
    )
    # At most this many reminder messages per person per day; what is due is combined.
    per_person_per_day: int = Field(default=1, ge=1, le=5)
    # After downtime the planner catches up on at most this many days.
    catch_up_days: int = Field(default=7, ge=0, le=31)
    # The officers' weekly digest goes out on this weekday (0 = Monday).
    digest_weekday: int = Field(default=0, ge=0, le=6)
    # The office's weekly roll-up with its chart (admins and pimpinan, 07:30): this weekday
    # (0 = Monday; a day off: the next working day), listing the lowest this many kecamatan.
    rollup_weekday: int = Field(default=0, ge=0, le=6)
    rollup_lowest: int = Field(default=5, ge=0, le=24)

    @model_validator(mode="after")
    def _unique_names(self) -> RemindersConfig:
        names = [entry.name for entry in self.entries]
        if len(set(names)) != len(names):
            msg = "reminder entry names must be unique"
            raise ValueError(msg)
        return self

    def calendar(self) -> tuple[Entry, ...]:
        """The domain's calendar entries."""
        return tuple(entry.entry() for entry in self.entries)


DEFAULT_CHECKLIST = [f"A{number}" for number in range(1, 15)]
DEFAULT_MANDATORY = ["A1", "A2", "A4", "A5", "A6", "A8", "A10"]


class RatBentukConfig(_Section):
    """Deadlines of one bentuk, in whole months after the fiscal-year end."""

    target_months: int = Field(ge=0, le=24)
    report_months: int = Field(ge=0, le=24)
    statutory_months: int = Field(ge=0, le=24)

    @model_validator(mode="after")
    def _target_within_limit(self) -> RatBentukConfig:
        if self.target_months > self.statutory_months:
            msg = "target_months must not be after statutory_months"
            raise ValueError(msg)
        return self


class RatConfig(_Section):
    """The RAT cycle's rules; open cycles keep theirs until `bot.py recompute`."""

    primer: RatBentukConfig = Field(
        default_factory=lambda: RatBentukConfig(
            target_months=3, report_months=4, statutory_months=6
        )
    )
    sekunder: RatBentukConfig = Field(
        default_factory=lambda: RatBentukConfig(
            target_months=6, report_months=6, statutory_months=6
        )
    )
    late_rat_months: int = Field(default=18, ge=6, le=36)
    at_risk_days: int = Field(default=30, ge=0, le=180)
    checklist: list[str] = Field(default_factory=lambda: list(DEFAULT_CHECKLIST), min_length=1)
    mandatory: list[str] = Field(default_factory=lambda: list(DEFAULT_MANDATORY))
    audit_item: str = "A3"
    audit_jenis: list[str] = Field(default_factory=lambda: ["simpan_pinjam"])
    audit_min_capital: Decimal = Field(default=Decimal(5_000_000_000), ge=0)
    rawan_missed_years: int = Field(default=2, ge=1, le=10)
    tidak_aktif_missed_years: int = Field(default=3, ge=1, le=10)
    # A RAT recorded in the office's own register counts as reported to the office.
    register_rat_counts_as_reported: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> RatConfig:
        problems = []
        if len(set(self.checklist)) != len(self.checklist):
            problems.append("checklist items must be unique")
        if any(not 0 < len(code) <= 16 for code in self.checklist):
            problems.append("checklist item codes must be 1-16 characters")
        if unknown := sorted(set(self.mandatory) - set(self.checklist)):
            problems.append(f"mandatory items not in the checklist: {unknown}")
        if self.audit_item not in self.checklist or self.audit_item in self.mandatory:
            problems.append("audit_item must be a checklist item that is not in mandatory")
        if self.rawan_missed_years >= self.tidak_aktif_missed_years:
            problems.append("rawan_missed_years must be less than tidak_aktif_missed_years")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def policy(self) -> RatPolicy:
        """The domain's view of these rules."""
        offsets = {
            name: Offsets(part.target_months, part.report_months, part.statutory_months)
            for name, part in (("primer", self.primer), ("sekunder", self.sekunder))
        }
        return RatPolicy(
            offsets=offsets,
            checklist=tuple(self.checklist),
            mandatory=frozenset(self.mandatory),
            audit_item=self.audit_item,
            audit_rule=AuditRule(frozenset(self.audit_jenis), self.audit_min_capital),
            activity=ActivityThresholds(self.rawan_missed_years, self.tidak_aktif_missed_years),
            at_risk_days=self.at_risk_days,
            late_rat_months=self.late_rat_months,
            register_rat_reported=self.register_rat_counts_as_reported,
        )


class TargetSetConfig(_Section):
    """Targets in percent (0-100); a key left out has no target."""

    rat_target: Decimal | None = Field(default=None, ge=0, le=100)
    rat_report: Decimal | None = Field(default=None, ge=0, le=100)
    rat_statutory: Decimal | None = Field(default=None, ge=0, le=100)
    aktif: Decimal | None = Field(default=None, ge=0, le=100)

    def target_set(self) -> TargetSet:
        """The domain's view: fractions (60 % is 3/5)."""

        def share(value: Decimal | None) -> Fraction | None:
            return None if value is None else Fraction(value) / 100

        return TargetSet(
            share(self.rat_target),
            share(self.rat_report),
            share(self.rat_statutory),
            share(self.aktif),
        )


class TargetsConfig(TargetSetConfig):
    """The roll-up's targets (docs/rules.md#targets): the regency's, and per kecamatan."""

    kecamatan: dict[str, TargetSetConfig] = Field(default_factory=dict)

    def targets(self) -> Targets:
        """The domain's targets."""
        return Targets(
            self.target_set(), {name: t.target_set() for name, t in self.kecamatan.items()}
        )


class ChartsConfig(_Section):
    """The roll-up charts' worker process: its time and memory budget."""

    worker_seconds: float = Field(default=60.0, gt=0, le=600)
    worker_memory_mb: int = Field(default=1024, ge=256)


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    file: str = ""


class AppConfig(_Section):
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    region: RegionConfig = Field(default_factory=RegionConfig)
    i18n: I18nConfig = Field(default_factory=I18nConfig)
    access: AccessConfig = Field(default_factory=AccessConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    forms: FormsConfig = Field(default_factory=FormsConfig)
    visits: VisitsConfig = Field(default_factory=VisitsConfig)
    files: FilesConfig = Field(default_factory=FilesConfig)
    export: ExportConfig = Field(default_factory=ExportConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    calendar: CalendarConfig = Field(default_factory=CalendarConfig)
    relay: RelayConfig = Field(default_factory=RelayConfig)
    rat: RatConfig = Field(default_factory=RatConfig)
    reminders: RemindersConfig = Field(default_factory=RemindersConfig)
    targets: TargetsConfig = Field(default_factory=TargetsConfig)
    charts: ChartsConfig = Field(default_factory=ChartsConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @model_validator(mode="after")
    def _targets_of_known_kecamatan(self) -> AppConfig:
        if unknown := sorted(set(self.targets.kecamatan) - set(self.region.kecamatan)):
            msg = f"targets.kecamatan: not in [region] kecamatan: {unknown}"
            raise ValueError(msg)
        return self


def resolve_config_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The config path: `--config`, else `GEMPUR_CONFIG`, else `config.toml`."""
    env = os.environ if environ is None else environ
    return Path(cli_value or env.get(CONFIG_PATH_ENV) or DEFAULT_CONFIG_PATH)


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> AppConfig:
    """Reads and validates the TOML file, applying environment overrides."""
    env = os.environ if environ is None else environ
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found (copy config.example.toml)"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    for variable, (section, key) in ENV_OVERRIDES.items():
        if env.get(variable):
            table = raw.setdefault(section, {})
            if isinstance(table, dict):
                table[key] = env[variable]
    return parse_config(raw, source=str(path))


def parse_config(raw: Mapping[str, Any], source: str = "config") -> AppConfig:
    """Validates a TOML-shaped mapping; raises ConfigError with one line per problem."""
    try:
        return AppConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            key = ".".join(str(part) for part in error["loc"]) or "(top level)"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            problems.append(f"{source}: {key}: {message}")
        raise ConfigError(problems) from None
