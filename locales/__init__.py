"""Babel catalogues and the translator bound to one person's language.

Messages are identified by keys (`start.no_invite`); every locale, Indonesian included, translates
every key, so a missing translation is visible and a test can catch it. Parameters are escaped
for Telegram's HTML parse mode here, in one place, unless they are marked `Safe`.
"""

from __future__ import annotations

import functools
import gettext
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"


class Safe(str):
    """Text that is already valid Telegram HTML (a rendered fragment), not escaped again."""

    __slots__ = ()


def N_(key: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Marks a key for extraction where it is looked up later (e.g. in a table of codes)."""
    return key


def escape(value: str) -> str:
    """Escapes user-supplied text for Telegram's HTML parse mode."""
    return html.escape(value, quote=False)


def po_path(locale: str, base: Path = LOCALES_DIR) -> Path:
    """Where the catalogue of `locale` lives."""
    return base / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _load_translations(locale: str, base: Path) -> gettext.GNUTranslations:
    """Loads the .mo, or compiles the .po in memory when the .mo is absent or stale."""
    po = po_path(locale, base)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# Babel formats the same few numbers and days over and over (a card's counts and deadlines, a
# reminder pass's dates tens of thousands of times):
# remembered per locale, as pure functions of their arguments.
@functools.lru_cache(maxsize=4096, typed=True)  # 1, 1.0 and True apart
def _decimal(value: int | float | Decimal, locale: str) -> str:
    return format_decimal(value, locale=locale)


@functools.lru_cache(maxsize=4096)
def _date(value: date, length: str, locale: str) -> str:
    return format_date(value, format=length, locale=locale)


@dataclass(frozen=True)
class Translator:
    """Renders messages and formats values in one locale and time zone."""

    locale: str
    tz: tzinfo
    _translations: gettext.GNUTranslations = field(repr=False)

    def t(self, key: str, /, **params: object) -> str:
        """The message `key` with escaped, locale-formatted parameters."""
        return self._render(self._translations.gettext(key), params)

    def tn(self, key: str, plural_key: str, count: int, /, **params: object) -> str:
        """The plural form of `key` for `count`; `count` is also available as `{count}`."""
        template = self._translations.ngettext(key, plural_key, count)
        return self._render(template, {"count": count, **params})

    def _render(self, template: str, params: dict[str, object]) -> str:
        return template.format(**{name: self.fmt(value) for name, value in params.items()})

    def fmt(self, value: object) -> str:
        """One value as text for an HTML message: numbers and dates in the locale, text escaped."""
        if isinstance(value, Safe):
            return value
        if isinstance(value, bool):
            return self.t("common.yes") if value else self.t("common.no")
        if isinstance(value, int | Decimal | float):
            return self.number(value)
        if isinstance(value, datetime):
            return self.instant(value)
        if isinstance(value, date):
            return self.date(value)
        return escape(str(value))

    def number(self, value: int | float | Decimal) -> str:
        """`1.234` in Indonesian, `1,234` in English."""
        return _decimal(value, self.locale)

    def percent(self, ratio: float | Decimal, digits: int = 1) -> str:
        """`12,5 %` for 0.125 in Indonesian."""
        pattern = "#,##0." + "0" * digits + " %" if digits else "#,##0 %"
        return format_percent(ratio, format=pattern, locale=self.locale)

    def date(self, value: date, length: str = "long") -> str:
        """`31 Maret 2026` in Indonesian."""
        return _date(value, length, self.locale)

    def instant(self, value: datetime) -> str:
        """An instant in the region's time zone, e.g. `31 Maret 2026 14.05`."""
        local = value.astimezone(self.tz)
        clock = format_time(local, format="short", locale=self.locale)
        return f"{self.date(local.date())} {clock}"


class Catalogues:
    """All configured catalogues, loaded once at start-up."""

    def __init__(
        self,
        locales: Iterable[str],
        default_locale: str,
        tz: tzinfo,
        base: Path = LOCALES_DIR,
    ) -> None:
        self.default_locale = default_locale
        self._by_locale = {
            code: Translator(code, tz, _load_translations(code, base)) for code in locales
        }

    @property
    def available(self) -> list[str]:
        """Configured locale codes, in config order."""
        return list(self._by_locale)

    def get(self, locale: str | None) -> Translator:
        """The translator for `locale`, or the default one."""
        return self._by_locale.get(locale or "", self._by_locale[self.default_locale])

    def resolve(self, chosen: str | None, telegram_language_code: str | None) -> Translator:
        """The person's language: stored choice, then Telegram's language, then the default."""
        if chosen in self._by_locale:
            return self._by_locale[chosen]
        if telegram_language_code:
            code = telegram_language_code.replace("_", "-").split("-")[0].lower()
            if code in self._by_locale:
                return self._by_locale[code]
        return self._by_locale[self.default_locale]

    def language_name(self, locale: str) -> str:
        """The language's own name, from its catalogue (`Bahasa Indonesia`, `English`).

        Each catalogue names its own language, so a new language is still only a .po file
        and a config line.
        """
        return self.get(locale).t("language.name")
