"""The project stands alone: nothing points outside the repository, every docs link resolves.

A clone of this repository alone must be enough to run, change and understand the bot, so no
tracked file outside `docs/` may send the reader to a sibling folder or cite documents that are
not shipped; and the links in the README and `docs/*.md` (and `docs/…md` named in code
comments) must lead to a file that exists, at a heading that exists.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# This file spells out the patterns it looks for, in its examples.
SELF = Path(__file__).resolve()

# Built from parts so that this file does not match itself.
OUTSIDE = "../" + "shared"
# Citations of the product documents that are not shipped: a section sign after their name,
# or their file name.
CITATION = re.compile(r"\b(?:SPEC|DOMAIN)\s*§|\b(?:SPEC|DOMAIN|STYLE)\.md\b")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
DOCS_MENTION = re.compile(r"(?<![\w/.-])docs/([\w.-]+\.md)(#[\w-]+)?")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
EXTERNAL = ("http://", "https://", "mailto:", "tg://")


def tracked_files(root: Path) -> list[Path]:
    """Files git tracks (the tree minus hidden folders and the virtualenv outside a checkout),
    this file excepted."""
    return [path for path in _files(root) if path.resolve() != SELF]


def _files(root: Path) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as the Makefile uses it
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        skip = {".venv", "__pycache__", "node_modules"}
        return [
            path
            for path in root.rglob("*")
            if path.is_file()
            and not any(part.startswith(".") or part in skip for part in path.parts[-8:-1])
        ]
    return [root / name for name in listed.split("\0") if name and (root / name).is_file()]


def text_of(path: Path) -> str | None:
    """The file as text, or None for a binary file."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|__|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """The anchors of every heading of a Markdown text (repeats get -1, -2 … as on GitHub)."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(2))
        seen = counts.get(base, 0)
        counts[base] = seen + 1
        found.add(base if seen == 0 else f"{base}-{seen}")
    return found


def without_code(markdown: str) -> str:
    """The text outside fenced code blocks (where a link is only an example)."""
    kept, fenced = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return "\n".join(kept)


def broken_links(document: Path, root: Path) -> list[str]:
    """The relative links of a Markdown file whose file or heading does not exist."""
    problems = []
    root = root.resolve()
    for target in LINK.findall(without_code(document.read_text(encoding="utf-8"))):
        if target.startswith(EXTERNAL):
            continue
        name, _, anchor = target.partition("#")
        path = (document.parent / name).resolve() if name else document
        if root not in path.parents and path != root:
            problems.append(f"{target}: outside the repository")
        elif not path.exists():
            problems.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path.read_text("utf-8")):
            problems.append(f"{target}: no heading #{anchor} in {path.name}")
    return problems


def documents(root: Path) -> list[Path]:
    """The README and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def test_no_file_outside_docs_points_at_a_sibling_folder_or_cites_unshipped_documents() -> None:
    offenders = []
    for path in tracked_files(ROOT):
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "docs":
            continue
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE in line or CITATION.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_every_relative_link_of_the_readme_and_the_docs_resolves() -> None:
    problems = {
        str(document.relative_to(ROOT)): found
        for document in documents(ROOT)
        if (found := broken_links(document, ROOT))
    }
    assert problems == {}


def test_every_docs_page_named_in_a_tracked_file_exists_with_its_heading() -> None:
    missing = []
    for path in tracked_files(ROOT):
        text = text_of(path)
        if text is None or path.suffix == ".json":
            continue
        for page, anchor in DOCS_MENTION.findall(text):
            target = ROOT / "docs" / page
            if not target.exists():
                missing.append(f"{path.relative_to(ROOT)}: docs/{page}")
            elif anchor and anchor[1:] not in anchors(target.read_text(encoding="utf-8")):
                missing.append(f"{path.relative_to(ROOT)}: docs/{page}{anchor}")
    assert missing == []


def test_the_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target.partition("#")[0] for target in LINK.findall(readme)}
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert pages - linked == set()


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Fiscal year (tahun buku)", "fiscal-year-tahun-buku"),
        ("The path of an update", "the-path-of-an-update"),
        ("Officers (`/koperasi`, `/petugas`)", "officers-koperasi-petugas"),
        ("Privacy (UU 27/2022)", "privacy-uu-272022"),
    ],
)
def test_anchors_are_the_ones_github_makes(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_the_checker_finds_a_missing_file_a_missing_heading_and_an_escape(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules.md").write_text("# Rules\n\n## Deadlines\n", encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(
        "[ok](docs/rules.md#deadlines) [gone](docs/nope.md) [bad](docs/rules.md#stages)\n"
        "[up](../elsewhere.md) [web](https://example.org/x.md) [here](#readme)\n"
        "```\n[example](docs/ignored.md)\n```\n# Readme\n",
        encoding="utf-8",
    )
    assert broken_links(page, tmp_path) == [
        "docs/nope.md: no such file",
        "docs/rules.md#stages: no heading #stages in rules.md",
        "../elsewhere.md: outside the repository",
    ]
