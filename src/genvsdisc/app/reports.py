"""The report browser: list the reports under a results folder, and open files safely.

``genvsdisc compare`` writes one folder per run with ``report.html`` and its
figures. The app serves files from inside the results folder only: a path
with ``..``, an absolute path, a hidden name, a NUL byte or a backslash, or
one whose real location (symlinks followed) lies outside the folder, is
treated as not found.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

__all__ = ["list_reports", "resolve_inside", "with_back_link", "DEFAULT_RESULTS"]

#: Where ``genvsdisc compare`` writes by default, and so what ``genvsdisc serve`` lists.
DEFAULT_RESULTS = Path("genvsdisc-report")
#: The bar an opened report gets at its top, leading back to the app (inline style: a
#: report's own policy allows it, and the report's stylesheet knows nothing of it).
BACK_LINK = (
    '<nav id="genvsdisc-back" style="font: 15px system-ui, sans-serif; padding: 8px 16px; '
    'background: #334e68;"><a href="/reports" style="color: #fff;">← genvsdisc: all reports</a> '
    '<a href="/" style="color: #fff; margin-left: 16px;">playground</a></nav>'
)
_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)

#: How deep under the results folder to look for report.html.
MAX_DEPTH = 3
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def resolve_inside(root: Path, relative: str) -> Path | None:
    """The file that ``relative`` names inside ``root``, or None when it may not be served.

    Parameters
    ----------
    root : Path
        The results folder.
    relative : str
        The already URL-decoded path from the request.

    Returns
    -------
    Path or None
        The resolved path of an existing regular file whose real location is
        inside ``root``; None for anything else.
    """
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    pure = PurePosixPath(relative)
    if pure.is_absolute() or relative.startswith("/"):
        return None
    if any(part in ("..", ".") or part.startswith(".") for part in pure.parts):
        return None
    try:
        root_real = root.resolve(strict=True)
        target = (root_real / pure).resolve(strict=True)  # follows every symlink
    except (OSError, RuntimeError):  # missing file, symlink loop
        return None
    if not target.is_relative_to(root_real) or not target.is_file():
        return None
    return target


def _title(path: Path) -> str:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return path.parent.name
    match = _TITLE.search(head)
    return html.unescape(match.group(1).strip()) if match else path.parent.name


def list_reports(root: Path | None) -> list[dict]:
    """Every ``report.html`` under ``root`` (up to :data:`MAX_DEPTH` folders down), newest first.

    Returns
    -------
    list of dict
        ``path`` (relative, posix), ``title``, ``folder`` and ``modified``
        (ISO 8601, UTC). Reports whose real location is outside ``root`` are
        left out.
    """
    if root is None or not root.is_dir():
        return []
    found, seen = [], set()
    for depth in range(MAX_DEPTH + 1):
        pattern = "/".join(["*"] * depth + ["report.html"])
        for path in root.glob(pattern):
            rel = path.relative_to(root).as_posix()
            real = resolve_inside(root, rel)
            if real is None or real in seen:  # symlinked folders may show a report twice
                continue
            seen.add(real)
            stamp = datetime.fromtimestamp(real.stat().st_mtime, tz=UTC)
            found.append(
                {
                    "path": rel,
                    "title": _title(real),
                    "folder": str(PurePosixPath(rel).parent),
                    "modified": stamp.isoformat(timespec="seconds"),
                }
            )
    return sorted(found, key=lambda r: r["modified"], reverse=True)


def with_back_link(page: str) -> str:
    """The report's HTML with :data:`BACK_LINK` right after ``<body>`` (or first, if none)."""
    match = _BODY.search(page)
    at = match.end() if match else 0
    return page[:at] + BACK_LINK + page[at:]
