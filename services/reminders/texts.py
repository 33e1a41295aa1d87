"""Rendering one person's reminders of a day into messages, in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.reminders import Reminder, Topic
from locales import N_, Safe, Translator, escape

#: Lines per message before the rest is summed up as "and N more".
MAX_LINES = 25
#: A message's size before the rest is summed up, counted on the HTML (longer than what Telegram
#: counts, so always within its 4,096), with room for the "and N more" line.
MAX_MESSAGE = 3900
#: A follow-up's description as a reminder quotes it (the officer typed up to 500 characters).
DETAIL_IN_LINE = 200
FOLLOW_UP_KEY = N_("reminder.line.follow_up")


#: Per topic: the line about one cooperative, and the short name in an admin's summary.
_LINE: dict[Topic, str] = {
    Topic.BOOKS_CLOSE: N_("reminder.line.books_close"),
    Topic.SEASON_OPEN: N_("reminder.line.season_open"),
    Topic.STATEMENTS: N_("reminder.line.statements"),
    Topic.RAT_PREPARE: N_("reminder.line.rat_prepare"),
    Topic.RAT_INVITE: N_("reminder.line.rat_invite"),
    Topic.RAT_FINAL: N_("reminder.line.rat_final"),
    Topic.VISIT_PROPOSAL: N_("reminder.line.visit_proposal"),
    Topic.TARGET_PASSED: N_("reminder.line.target_passed"),
    Topic.MINUTES_UPLOAD: N_("reminder.line.minutes_upload"),
    Topic.REPORT_NUDGE: N_("reminder.line.report_nudge"),
    Topic.REPORT_PASSED: N_("reminder.line.report_passed"),
    Topic.STATUTORY_PASSED: N_("reminder.line.statutory_passed"),
    Topic.NIK_EXPIRY: N_("reminder.line.nik_expiry"),
}
#: The lines naming the reporting system, for a KDKMP cooperative (SIMKOPDES, not ODS).
_LINE_SIMKOPDES: dict[Topic, str] = {
    Topic.REPORT_NUDGE: N_("reminder.line.report_nudge.simkopdes"),
    Topic.NIK_EXPIRY: N_("reminder.line.nik_expiry.simkopdes"),
}
SIMKOPDES = "simkopdes"
_ABOUT: dict[Topic, str] = {
    Topic.BOOKS_CLOSE: N_("reminder.about.books_close"),
    Topic.SEASON_OPEN: N_("reminder.about.season_open"),
    Topic.STATEMENTS: N_("reminder.about.statements"),
    Topic.RAT_PREPARE: N_("reminder.about.rat_prepare"),
    Topic.RAT_INVITE: N_("reminder.about.rat_invite"),
    Topic.RAT_FINAL: N_("reminder.about.rat_final"),
    Topic.VISIT_PROPOSAL: N_("reminder.about.visit_proposal"),
    Topic.TARGET_PASSED: N_("reminder.about.target_passed"),
    Topic.MINUTES_UPLOAD: N_("reminder.about.minutes_upload"),
    Topic.REPORT_NUDGE: N_("reminder.about.report_nudge"),
    Topic.REPORT_PASSED: N_("reminder.about.report_passed"),
    Topic.STATUTORY_PASSED: N_("reminder.about.statutory_passed"),
    Topic.NIK_EXPIRY: N_("reminder.about.nik_expiry"),
}


@dataclass(frozen=True, slots=True)
class Line:
    """One thing to tell a person: a reminder about a cooperative, or a summary count."""

    order: tuple[int, str, str]  # (kind of line, topic, cooperative) for a stable message
    topic: Topic | None
    koperasi: str = ""
    about_date: date | None = None
    count: int = 0
    key: str = ""  # a digest line's or follow-up's message key
    detail: str = ""  # a follow-up's description
    params: tuple[tuple[str, int], ...] = ()  # a digest line's further figures
    plural: str = ""  # the figure choosing a digest line's plural form (`count` if empty)
    system: str = ""  # where the cooperative reports ("simkopdes" for KDKMP; else ODS)


def reminder_line(reminder: Reminder, nama: str, system: str = "") -> Line:
    """A board's or officer's line about one cooperative (`system`: where it reports,
    `reporting_system()`; only the lines naming it keep it)."""
    anchor_day = reminder.dated - timedelta(days=reminder.entry.days)
    topic = reminder.entry.topic
    kept = system if system == SIMKOPDES and topic in _LINE_SIMKOPDES else ""
    return Line((1, topic, nama), topic, nama, anchor_day, system=kept)


def summary_line(topic: Topic, count: int) -> Line:
    """An admin's line: how many cooperatives a topic is about."""
    return Line((2, topic, ""), topic, count=count)


def follow_up_line(nama: str, due: date, description: str) -> Line:
    """A board's or officer's line about a follow-up due (or overdue) at a cooperative."""
    order = (1, f"{FOLLOW_UP_KEY}:{due.isoformat()}", nama)
    return Line(order, None, nama, due, key=FOLLOW_UP_KEY, detail=description)


def digest_line(
    key: str,
    count: int,
    position: int,
    params: tuple[tuple[str, int], ...] = (),
    plural: str = "",
) -> Line:
    """One line of a weekly digest (message key with a `count` and any `params`), in place
    `position`; `plural` names the figure whose plural form the text takes (the key is then a
    plural entry, `<key>.plural` its plural id)."""
    order = (0, f"{position:03}", "")
    return Line(order, None, count=count, key=key, params=params, plural=plural)


class Rendered:
    """What a pass has rendered so far, by language: the header, and each reminder line's text
    around its cooperative's name (the same entry, date and language for thousands of
    cooperatives on a heavy day: Babel and the catalogue once, then one replace per line)."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.templates: dict[tuple[str, Topic, date | None, str], str] = {}
        self.names: dict[str, str] = {}

    def header(self, tr: Translator) -> str:
        text = self.headers.get(tr.locale)
        if text is None:
            text = self.headers[tr.locale] = tr.t("reminder.header")
        return text

    def line(self, tr: Translator, line: Line) -> str:
        if line.key or line.count or line.topic is None:  # digest, follow-up, summary: few
            return _render_line(tr, line)
        cached = (tr.locale, line.topic, line.about_date, line.system)
        template = self.templates.get(cached)
        if template is None:
            when = tr.date(line.about_date) if line.about_date is not None else ""
            template = tr.t(_line_key(line), koperasi=Safe(_NAME), date=when)
            self.templates[cached] = template
        name = self.names.get(line.koperasi)
        if name is None:
            name = self.names[line.koperasi] = escape(_name(line))
        return template.replace(_NAME, name)


#: Stands for the cooperative's name in a line's template (no catalogue text or date holds it).
_NAME = "\x00"


def render(
    tr: Translator,
    lines: list[Line],
    parts: int,
    rendered: Rendered | None = None,
    hidden: set[Line] | None = None,
) -> list[str]:
    """The person's lines as at most `parts` messages (lines beyond the cap summed up).

    `rendered`: what the pass has rendered so far (a cooperative's line goes to its board
    and its officer; most lines differ only in the cooperative's name). `hidden` gathers the
    lines summed up as "and N more" (a follow-up's is not reminded by such a message)."""
    seen = Rendered() if rendered is None else rendered
    header = seen.header(tr)
    if len(lines) == 1:  # most people: one cooperative's one reminder
        text = seen.line(tr, lines[0])
        if len(header) + len(text) + 2 <= MAX_MESSAGE:
            return [f"{header}\n\n{text}"]
    ordered = sorted(set(lines), key=lambda line: line.order)
    per_part = max(-(-len(ordered) // parts), 1)
    messages = []
    for start in range(0, len(ordered), per_part):
        chunk = ordered[start : start + per_part]
        body: list[str] = []
        size = len(header)
        for line in chunk[:MAX_LINES]:
            text = seen.line(tr, line)
            if size + len(text) + 2 > MAX_MESSAGE:
                break
            body.append(text)
            size += len(text) + 2
        more = len(chunk) - len(body)
        if more > 0:
            body.append(tr.t("reminder.more", count=more))
            if hidden is not None:
                hidden.update(chunk[len(body) - 1 :])
        messages.append("\n\n".join([header, *body]))
    return messages


def _render_line(tr: Translator, line: Line) -> str:
    if line.key == FOLLOW_UP_KEY and line.about_date is not None:
        when = tr.date(line.about_date)
        detail = shorten(line.detail, DETAIL_IN_LINE)
        return tr.t(line.key, koperasi=_name(line), date=when, detail=detail)
    if line.key and line.plural:
        figures = {"count": line.count, **dict(line.params)}
        return tr.tn(line.key, f"{line.key}.plural", figures[line.plural], **figures)
    if line.key:
        return tr.t(line.key, count=line.count, **dict(line.params))
    if line.topic is None:  # pragma: no cover - every non-digest line has a topic
        raise ValueError("a reminder line needs a topic")
    if line.count:
        about = tr.t(_ABOUT[line.topic])
        return tr.tn(
            "reminder.admin_summary", "reminder.admin_summary.plural", line.count, about=about
        )
    when = tr.date(line.about_date) if line.about_date is not None else ""
    return tr.t(_line_key(line), koperasi=_name(line), date=when)


def _line_key(line: Line) -> str:
    """A cooperative's line: a KDKMP cooperative reads SIMKOPDES where others read ODS."""
    if line.topic is None:  # pragma: no cover - only digest and follow-up lines have none
        raise ValueError("a reminder line needs a topic")
    if line.system == SIMKOPDES:
        return _LINE_SIMKOPDES[line.topic]
    return _LINE[line.topic]


def _name(line: Line) -> str:
    return shorten(line.koperasi, NAME_IN_LIST)
