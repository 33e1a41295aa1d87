"""The import preview as text: within Telegram's limits, escaped, every reason translated."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.register_rows import RowError
from locales import Catalogues
from services.register_files import plain_text
from services.register_import import ImportPreview
from services.register_report import preview_text, result_text
from telegram_stub.markup import parse_html

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
ERRORS = tuple(
    RowError(row, "kecamatan", "impor.error.kecamatan", {"count": 24}) for row in range(2, 300)
)


def test_a_long_preview_lists_some_rows_counts_the_rest_and_stays_valid_html() -> None:
    preview = ImportPreview(
        "0" * 64,
        rows=400,
        added=102,
        errors=ERRORS,
        ignored_columns=tuple(f"<kolom & {n}>" * 20 for n in range(50)),
    )
    for locale in ("id", "en"):
        text, left_out = preview_text(CATALOGUES.get(locale), preview)
        parsed_length = len(plain_text(text))
        assert parsed_length <= 4096
        parse_html(text)  # raises for broken or unsupported HTML
        assert left_out == len(ERRORS) - 20
        assert "&lt;kolom &amp; 0&gt;" in text
    text, _ = preview_text(CATALOGUES.get("id"), preview)
    assert "Baris tidak valid lainnya: 278" in text
    assert "Bukan salah satu dari 24 kecamatan" in text


def test_the_command_line_lists_every_invalid_row() -> None:
    preview = ImportPreview("0" * 64, rows=300, errors=ERRORS)
    text, left_out = preview_text(CATALOGUES.get("id"), preview, limit=None)
    assert left_out == 0
    assert plain_text(text).count("• Baris") == len(ERRORS)
    assert "Tidak ada perubahan" in text


def test_the_result_says_what_was_added_and_updated_in_the_readers_language() -> None:
    result = ImportPreview("0" * 64, rows=5, added=3, updated=1, errors=ERRORS[:1])
    assert result_text(CATALOGUES.get("id"), result) == (
        "Impor selesai: 3 ditambahkan, 1 diperbarui.\nBaris tidak valid yang dilewati: 1."
    )
    assert result_text(CATALOGUES.get("en"), result).startswith("Import done: 3 added, 1 updated.")
