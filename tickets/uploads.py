"""What a ticket accepts as a file: the size limit (settings.ATTACHMENT_MAX_BYTES) and no
programs or scripts a desktop would run when opened. Web pages and SVG are accepted: the
download view serves every file as an octet-stream attachment in a sandbox, never rendered.
Checked before anything is written, so a refused file leaves nothing behind. Pure: no ORM."""

import os

from django.conf import settings

from core.exceptions import DomainValidationError

# Programs and scripts: refused by their name, or by the type the sender claimed.
FORBIDDEN_EXTENSIONS = frozenset(
    {
        ".app", ".bat", ".cmd", ".com", ".cpl", ".dll", ".exe", ".hta",
        ".jar", ".js", ".jse", ".lnk", ".msi", ".msp", ".ps1", ".psm1", ".reg", ".scr",
        ".sh", ".vb", ".vbe", ".vbs", ".wsf",
    }
)  # fmt: skip
FORBIDDEN_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-sh",
        "application/javascript",
        "text/javascript",
    }
)


def upload_problem(upload) -> str | None:
    """Why the file is refused, or None when it may be stored."""
    name = upload.name or ""
    label = name or "The file"
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        return f"{label} is too large: files are limited to {_size(limit)}."
    if upload.size == 0:
        return f"{label} is empty."
    extension = os.path.splitext(name.lower().rstrip(" ."))[1]
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if extension in FORBIDDEN_EXTENSIONS or content_type in FORBIDDEN_TYPES:
        return f"{label} is a type we do not accept (programs and scripts)."
    return None


def check_uploads(uploads) -> None:
    """Every file's problem under ``file``; raises when any is refused."""
    problems = [problem for upload in uploads if (problem := upload_problem(upload))]
    if problems:
        raise DomainValidationError({"file": problems})


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit} bytes"
