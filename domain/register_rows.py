"""One row of the register file: every cell read by its column's rule, or the reasons why not.

Cells arrive as the file holds them: text from a CSV, and text, numbers or datetimes from an
XLSX. A blank cell means "no information": it fills nothing on a new cooperative and changes
nothing on a known one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.errors import InputError
from domain.keys import N_
from domain.parsing import check_visible, parse_decimal_amount, parse_number
from domain.parsing.numeric import AMOUNT_LIMIT
from domain.rat.checklist import AuditRule, derive_wajib_audit
from domain.rat.validation import parse_quorum_rule
from domain.register import (
    KDKMP,
    KELOMPOK,
    SEGMEN_KDKMP,
    Column,
    Header,
    Kind,
    match_code,
)
from domain.register_dates import (
    DEFAULT_FISCAL_YEAR_END,
    read_date,
    read_fiscal_year_end,
    read_rat_held,
)

# Excel keeps 15 significant digits: a longer number typed into a numeric cell lost its tail.
EXCEL_DIGITS = 15
MAX_MEMBERS = 10_000_000
FIRST_YEAR = 1900

_CENT = Decimal("0.01")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?e\+?\d+", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True)
class RowError:
    """Why a row cannot be imported: its number as the spreadsheet shows it, column, reason."""

    row: int
    column: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RowRules:
    """What reading a row depends on: the configured kecamatan and today's date, and when an
    audit is mandatory (None: the row's audit duty is not derived)."""

    kecamatan: tuple[str, ...]
    today: date
    audit: AuditRule | None = None


@dataclass(frozen=True)
class RegisterRow:
    """A valid row: the cooperative's values (blank cells left out) and its RAT history."""

    row: int
    values: Mapping[str, object]
    rat_held: Mapping[int, date] = field(default_factory=dict)
    # The first tahun buku the file's RAT history covers: its earliest `rat_<year>` column
    # (a blank cell there is a RAT not held); None: the file has no such column.
    history_from: int | None = None
    # The year of the import: where a new cooperative's history starts without such a column.
    imported_year: int | None = None

    @property
    def nik_koperasi(self) -> str | None:
        """The row's NIK koperasi, if given."""
        value = self.values.get("nik_koperasi")
        return value if isinstance(value, str) else None

    @property
    def no_badan_hukum(self) -> str | None:
        """The row's legal-entity number, if given."""
        value = self.values.get("no_badan_hukum")
        return value if isinstance(value, str) else None


def is_blank(cell: object) -> bool:
    """Whether a cell holds nothing (empty, or only spaces)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_row(
    header: Header, cells: Sequence[object], row: int, rules: RowRules
) -> RegisterRow | list[RowError]:
    """The row's values, or every reason it cannot be imported."""
    values: dict[str, object] = {}
    rat_cells: dict[int, tuple[str, object]] = {}
    errors: list[RowError] = []
    for index, column in header.columns.items():
        cell = cells[index] if index < len(cells) else None
        if is_blank(cell):
            if column.required:
                errors.append(RowError(row, column.name, N_("impor.error.required")))
            continue
        if column.kind is Kind.RAT:
            rat_cells[int(column.name.rsplit("_", 1)[1])] = (column.name, cell)
            continue
        try:
            values.update(read_cell(column, cell, rules))
        except InputError as error:
            errors.append(RowError(row, column.name, error.key, error.params))
    month, day = values.get("fye_month"), values.get("fye_day")
    fiscal_year_end = (
        (month, day)
        if isinstance(month, int) and isinstance(day, int)
        else DEFAULT_FISCAL_YEAR_END
    )
    rat_held: dict[int, date] = {}
    for year, (name, cell) in sorted(rat_cells.items()):
        try:
            rat_held[year] = read_rat_held(cell, year, fiscal_year_end, rules.today)
        except InputError as error:
            errors.append(RowError(row, name, error.key, error.params))
    errors.extend(_cross_checks(row, values, {error.column for error in errors}))
    if rules.audit is not None:
        values.update(_audit_duty(values, rules.audit))
    years = header.rat_years()
    history_from = min(years) if years else None
    return errors or RegisterRow(row, values, rat_held, history_from, rules.today.year)


def _audit_duty(values: Mapping[str, object], rule: AuditRule) -> dict[str, object]:
    """`wajib_audit` derived from the row's jenis and own capital (docs/rules.md#the-checklist):
    only where the row tells enough (a savings-and-loan row without its capital changes
    nothing, nor does a row without a jenis)."""
    jenis, capital = values.get("jenis"), values.get("modal_sendiri")
    amount = capital if isinstance(capital, Decimal) else None
    if not isinstance(jenis, str) or (jenis in rule.jenis and amount is None):
        return {}
    return {"wajib_audit": derive_wajib_audit(jenis, amount, rule)}


def _cross_checks(row: int, values: dict[str, object], failed: set[str]) -> list[RowError]:
    """Rules between columns; may fill the segment a KDKMP kelompok implies."""
    errors = []
    if values.get("kelompok") == KDKMP:
        if "segmen" not in values and "segmen" not in failed:
            values["segmen"] = SEGMEN_KDKMP
        elif values.get("segmen") not in (None, SEGMEN_KDKMP):
            errors.append(RowError(row, "segmen", N_("impor.error.segmen_kdkmp")))
    keys = ("nik_koperasi", "no_badan_hukum")
    if not any(values.get(key) for key in keys) and not failed.intersection(keys):
        # Without a key a second import could not find the row again and would add it twice.
        errors.append(RowError(row, "nik_koperasi", N_("impor.error.no_key")))
    return errors


def read_cell(column: Column, cell: object, rules: RowRules) -> dict[str, object]:
    """The stored value(s) of one non-blank cell; raises InputError with the reason."""
    if column.kind is Kind.FISCAL_YEAR_END:
        month, day = read_fiscal_year_end(cell)
        return {"fye_month": month, "fye_day": day}
    return {column.name: _READERS[column.kind](column, cell, rules)}


def _read_code(column: Column, cell: object, rules: RowRules) -> str:
    del rules
    code = match_code(read_text(cell, 64), column.codes)
    if code is None:
        raise InputError(N_("impor.error.choice"), allowed=", ".join(column.codes))
    return code


def _read_quorum(column: Column, cell: object, rules: RowRules) -> str:
    """A quorum rule the RAT-held sub-flow can apply, stored as written (spaces tidied)."""
    del rules
    text = " ".join(read_text(cell, column.max_length).split())
    parse_quorum_rule(text)  # InputError with the reason and examples
    return text


def _read_kelompok(column: Column, cell: object, rules: RowRules) -> str:
    del rules
    text = read_text(cell, column.max_length)
    return match_code(text, KELOMPOK) or text


def _read_kecamatan(column: Column, cell: object, rules: RowRules) -> str:
    del column
    found = match_code(read_text(cell, 64), rules.kecamatan)
    if found is None:
        raise InputError(N_("impor.error.kecamatan"), count=len(rules.kecamatan))
    return found


def read_text(cell: object, max_length: int) -> str:
    """Text on one line with single spaces; control characters dropped.

    Refused (InputError) when nothing visible is left or it holds a direction override.
    """
    if isinstance(cell, datetime | date):
        text = cell.strftime("%d-%m-%Y")
    elif isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    else:
        text = str(cell)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # only then can there be control characters to drop
        text = "".join(
            char for char in text if char.isspace() or unicodedata.category(char) != "Cc"
        )
    cleaned = " ".join(text.split())
    check_visible(cleaned)  # a name of zero-width or filler characters, or a U+202E
    if max_length and len(cleaned) > max_length:
        raise InputError(N_("input.text.too_long"), maximum=max_length, length=len(cleaned))
    return cleaned


def read_identifier(cell: object, column: Column) -> str:
    """A number kept as text (NIK koperasi, NIB, legal number), every digit as written."""
    if isinstance(cell, bool | datetime | date):
        raise InputError(N_("impor.error.identifier"))
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not cell.is_integer():
            raise InputError(N_("impor.error.number_as_text"))
        digits = str(int(cell))
        if len(digits) > EXCEL_DIGITS:
            raise InputError(N_("impor.error.number_as_text"))
        return digits
    text = read_text(cell, column.max_length)
    if _SCIENTIFIC.fullmatch(text):
        # `3,51301E+15`: a CSV saved from a numeric column; the digits are gone.
        raise InputError(N_("impor.error.number_as_text"))
    if column.name == "no_badan_hukum":
        return text
    # NIK koperasi and NIB are digit strings people group with spaces.
    return "".join(text.split())


def read_whole(cell: object, *, minimum: int, maximum: int) -> int:
    """A whole number from a numeric cell or Indonesian-formatted text (`1.250`)."""
    if isinstance(cell, bool | datetime | date):
        raise InputError(N_("input.number.invalid"))
    if isinstance(cell, float):
        if not cell.is_integer():
            raise InputError(N_("input.number.not_whole"))
        cell = int(cell)
    return parse_number(str(cell), minimum=minimum, maximum=maximum)


def read_amount(cell: object, *, signed: bool) -> Decimal:
    """Rupiah: a numeric cell, or text such as `Rp 1.250.000,50` or `1,5 jt`."""
    if isinstance(cell, bool | datetime | date):
        raise InputError(N_("input.amount.invalid"))
    if not isinstance(cell, int | float):
        minimum = -AMOUNT_LIMIT if signed else None
        return parse_decimal_amount(str(cell), minimum=minimum)
    try:
        value = Decimal(str(cell))  # str(float) is its shortest exact spelling
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        raise InputError(N_("input.amount.invalid")) from None
    if not value.is_finite():
        raise InputError(N_("input.amount.invalid"))
    if value < 0 and not signed:
        raise InputError(N_("input.amount.negative"))
    if abs(value) > AMOUNT_LIMIT:
        raise InputError(N_("input.amount.too_large"), maximum=AMOUNT_LIMIT)
    if value != value.quantize(_CENT):
        raise InputError(N_("input.amount.too_many_decimals"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


Reader = Callable[[Column, object, RowRules], object]
_READERS: dict[Kind, Reader] = {
    Kind.TEXT: lambda column, cell, _: read_text(cell, column.max_length),
    Kind.IDENTIFIER: lambda column, cell, _: read_identifier(cell, column),
    Kind.CODE: _read_code,
    Kind.KELOMPOK: _read_kelompok,
    Kind.KECAMATAN: _read_kecamatan,
    Kind.DATE: lambda _, cell, rules: read_date(cell, rules.today),
    Kind.PAST_DATE: lambda _, cell, rules: read_date(cell, rules.today, not_after=rules.today),
    Kind.COUNT: lambda _, cell, __: read_whole(cell, minimum=0, maximum=MAX_MEMBERS),
    Kind.YEAR: lambda _, cell, rules: read_whole(
        cell, minimum=FIRST_YEAR, maximum=rules.today.year
    ),
    Kind.AMOUNT: lambda _, cell, __: read_amount(cell, signed=False),
    Kind.SIGNED_AMOUNT: lambda _, cell, __: read_amount(cell, signed=True),
    Kind.QUORUM: _read_quorum,
}
