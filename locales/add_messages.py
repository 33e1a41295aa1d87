"""Adds translated entries to the catalogues from a tab-separated file, one key per line.

    python -m locales.add_messages NEW.tsv

Columns: key, then one text per locale in the order of `--locales` (default: id en). `\\n` in a
text is a line break. Keys already present are left alone. The catalogues are appended to as
plain PO text under a file lock, so two people adding keys at once do not overwrite each other.
"""

from __future__ import annotations

import argparse
import fcntl
from pathlib import Path

from locales import po_path


def po_string(text: str) -> str:
    """`text` as a PO string literal (multi-line texts in PO's continuation style)."""

    def quoted(part: str) -> str:
        escaped = part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'

    lines = text.splitlines(keepends=True)
    if len(lines) <= 1:
        return quoted(text)
    return '""\n' + "\n".join(quoted(line) for line in lines)


def add(rows: list[list[str]], locales: list[str]) -> dict[str, int]:
    """Appends the rows' entries to each locale's catalogue; returns how many were new."""
    added = {}
    for column, locale in enumerate(locales, start=1):
        path: Path = po_path(locale)
        with path.open("r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            text = handle.read()
            count = 0
            for row in rows:
                key, value = row[0], row[column].replace("\\n", "\n")
                if f'\nmsgid "{key}"\n' in f"\n{text}":
                    continue
                text = text.rstrip("\n") + f'\n\nmsgid "{key}"\nmsgstr {po_string(value)}\n'
                count += 1
            handle.seek(0)
            handle.write(text)
            handle.truncate()
        added[locale] = count
    return added


def main() -> None:
    """Reads the TSV and appends its entries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", type=Path)
    parser.add_argument("--locales", nargs="+", default=["id", "en"])
    args = parser.parse_args()
    rows = [
        line.rstrip("\n").split("\t")
        for line in args.tsv.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    bad = [row[0] for row in rows if len(row) != len(args.locales) + 1]
    if bad:
        parser.error(f"rows without one text per locale: {bad}")
    print(add(rows, args.locales))


if __name__ == "__main__":
    main()
