"""The one pass over a register file: every row read and checked, the report of invalid rows.

`scan_register` is pure (bytes and plain data in, plain data out) so the bot runs it in a worker
process (`runtime.offload`) and the command line in its own. It reads the file once: the
header, every row by the domain rules, the rows repeating a key of another row or aiming at
two stored cooperatives, and — when the chat's preview cannot list every invalid row — the
file of invalid rows. Valid rows come back as pickled batches, so whoever plans them against
the stored register unpickles one batch at a time and never holds the loop for long.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from domain.errors import InputError
from domain.register import read_header
from domain.register_match import FileKeys, KeyIndex, find_target
from domain.register_rows import RegisterRow, RowError, RowRules, read_row
from locales import N_, Catalogues
from services.register_files import invalid_rows_xlsx
from services.register_read import FileLimits, UnreadableFileError, read_rows
from services.register_report import LISTED_ROWS, invalid_lines

BATCH_SIZE = 500
# A valid row and the stored cooperative it updates (None: a new one).
Target = tuple[RegisterRow, int | None]


@dataclass(frozen=True)
class ReportSpec:
    """The reader of the preview: their language, and how many invalid rows the text lists.

    `listed` None keeps every invalid row's reasons (the command line prints them all) and
    builds no file.
    """

    locale: str
    timezone: str
    listed: int | None = LISTED_ROWS


@dataclass(frozen=True)
class ScanRequest:
    """A file to scan and what the scan depends on (all plain data: it crosses processes)."""

    data: bytes
    kind: str
    limits: FileLimits
    rules: RowRules
    index: KeyIndex
    report: ReportSpec


@dataclass(frozen=True)
class RegisterScan:
    """What one pass found: counts, the kept reasons, the valid rows in pickled batches."""

    sha256: str
    kind: str
    rows: int
    invalid_rows: int
    errors: tuple[RowError, ...]
    ignored_columns: tuple[str, ...]
    batches: tuple[bytes, ...] = ()
    invalid_file: bytes | None = None


def unpack(batch: bytes) -> list[Target]:
    """One batch of valid rows."""
    rows: list[Target] = pickle.loads(batch)  # noqa: S301 - made by our own scan
    return rows


@dataclass
class _Pass:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    valid: list[Target] = field(default_factory=list)


def scan_register(request: ScanRequest) -> RegisterScan:
    """Reads and checks the whole file; raises UnreadableFileError for a file we cannot use."""
    rows = read_rows(request.data, request.kind, request.limits)
    first = next(rows, None)
    if first is None:
        raise UnreadableFileError(N_("impor.file.empty"))
    try:
        header = read_header(first[1])
    except InputError as error:
        raise UnreadableFileError(error.key, **error.params) from None
    found, keys = _Pass(), FileKeys()
    for number, cells in rows:
        found.rows += 1
        record = read_row(header, cells, number, request.rules)
        if isinstance(record, list):
            found.errors.extend(record)
            continue
        try:
            target = find_target(record, request.index)
            keys.add(record, target)
        except InputError as error:
            found.errors.append(RowError(record.row, "nik_koperasi", error.key, error.params))
            continue
        found.valid.append((record, target))
    found.errors.extend(keys.errors())
    found.errors.sort(key=lambda error: error.row)
    invalid = {error.row for error in found.errors}
    valid = [pair for pair in found.valid if pair[0].row not in invalid]
    kept, invalid_file = _report(request.report, found.errors, len(invalid))
    return RegisterScan(
        sha256=hashlib.sha256(request.data).hexdigest(),
        kind=request.kind,
        rows=found.rows,
        invalid_rows=len(invalid),
        errors=kept,
        ignored_columns=header.ignored,
        batches=tuple(
            pickle.dumps(valid[start : start + BATCH_SIZE])
            for start in range(0, len(valid), BATCH_SIZE)
        ),
        invalid_file=invalid_file,
    )


def _report(
    spec: ReportSpec, errors: list[RowError], invalid_rows: int
) -> tuple[tuple[RowError, ...], bytes | None]:
    """The reasons the preview lists, and the file of every invalid row when it lists fewer."""
    if spec.listed is None:
        return tuple(errors), None
    rows_seen: set[int] = set()
    kept: list[RowError] = []
    for error in errors:
        rows_seen.add(error.row)
        if len(rows_seen) > spec.listed:
            break
        kept.append(error)
    tr = Catalogues([spec.locale], spec.locale, ZoneInfo(spec.timezone)).get(spec.locale)
    lines, _ = invalid_lines(tr, tuple(kept), limit=spec.listed)
    if len(lines) >= invalid_rows:
        return tuple(kept), None
    return tuple(kept), invalid_rows_xlsx(tr, errors)
