"""The import preview and result as text, in the reader's language: HTML for the chat, plain
for the command line (`plain_text`). The chat message stays within Telegram's 4,096 characters:
it lists the first invalid rows and counts the rest, which go out as a file.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from domain.register_rows import RowError
from locales import Safe, Translator

if TYPE_CHECKING:  # the import's service renders with this module's helpers
    from services.register_import import ImportPreview

# Invalid rows named in the chat message; the rest are counted ("dan N lainnya").
LISTED_ROWS = 20
# Room for the listed rows, well inside Telegram's 4,096 characters with the rest of the text.
LIST_BUDGET = 3000
IGNORED_SHOWN = 10
COLUMN_CHARS = 40


def reason(tr: Translator, error: RowError) -> str:
    """Why a cell was refused, in the reader's language."""
    return tr.t(error.key, **error.params)


def invalid_lines(
    tr: Translator, errors: tuple[RowError, ...], *, limit: int | None
) -> tuple[list[str], int]:
    """One line per invalid row (every reason of the row), and how many rows were left out."""
    lines: list[str] = []
    used = 0
    rows = [list(group) for _, group in groupby(errors, key=lambda error: error.row)]
    for position, row_errors in enumerate(rows):
        # Rendered messages nest as Safe: they are HTML already, escaping them again would show
        # the entities.
        reasons = "\n".join(
            tr.t("impor.preview.reason", column=error.column, reason=Safe(reason(tr, error)))
            for error in row_errors
        )
        line = tr.t("impor.preview.invalid_line", row=row_errors[0].row, reasons=Safe(reasons))
        if limit is not None and (position >= limit or used + len(line) > LIST_BUDGET):
            return lines, len(rows) - position
        lines.append(line)
        used += len(line) + 1
    return lines, 0


def preview_text(
    tr: Translator, preview: ImportPreview, *, limit: int | None = LISTED_ROWS
) -> tuple[str, int]:
    """The preview (HTML) and how many invalid rows it left out (None `limit`: none)."""
    parts = [
        tr.t(
            "impor.preview.counts",
            rows=preview.rows,
            added=preview.added,
            updated=preview.updated,
            unchanged=preview.unchanged,
            invalid=preview.invalid_rows,
        )
    ]
    if preview.ignored_columns:
        parts.append(tr.t("impor.preview.ignored", columns=ignored_columns(preview)))
    left_out = 0
    if preview.errors:
        lines, _ = invalid_lines(tr, preview.errors, limit=limit)
        # The scan keeps the reasons of the first rows only: the rest are counted.
        left_out = preview.invalid_rows - len(lines)
        parts.append("\n".join([tr.t("impor.preview.invalid_header"), *lines]))
        if left_out:
            parts.append(tr.t("impor.preview.more", count=left_out))
    if preview.changes == 0:
        parts.append(tr.t("impor.preview.nothing"))
    return "\n\n".join(parts), left_out


def ignored_columns(preview: ImportPreview) -> str:
    """The unknown headers, a few and shortened: a file may have hundreds of long ones."""
    shown = [
        name if len(name) <= COLUMN_CHARS else f"{name[: COLUMN_CHARS - 1]}…"
        for name in preview.ignored_columns[:IGNORED_SHOWN]
    ]
    more = len(preview.ignored_columns) > IGNORED_SHOWN
    return ", ".join(shown) + (", …" if more else "")


def result_text(tr: Translator, result: ImportPreview) -> str:
    """After the import: "N ditambahkan, M diperbarui" (and how many rows were skipped)."""
    text = tr.t("impor.done", added=result.added, updated=result.updated)
    if not result.invalid_rows:
        return text
    skipped = tr.t("impor.done_skipped", count=result.invalid_rows)
    return f"{text}\n{skipped}"
