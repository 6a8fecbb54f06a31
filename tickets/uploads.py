"""What a file must be before it is stored on a ticket, whichever door it came through (the API,
the composer, the portal): within the size limit, not empty, and not a program. Downloads are
always served as attachments in a sandbox (never rendered), so documents, images, web pages and
logs are fine; executables and scripts are refused because a person who opens one runs it.
Checked before anything is written, so a refused file leaves nothing behind. Pure: no ORM."""

import os

from django.conf import settings

from core.exceptions import DomainValidationError

# Programs and scripts Windows, macOS and Linux run when opened.
BLOCKED_EXTENSIONS = frozenset(
    {
        ".exe", ".com", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".bat", ".cmd",
        ".vb", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".hta", ".lnk",
        ".jar", ".app", ".dmg", ".pkg", ".sh", ".run", ".elf", ".apk", ".reg",
    }
)  # fmt: skip
BLOCKED_CONTENT_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-sh",
        "application/x-msi",
        "application/java-archive",
        "application/vnd.microsoft.portable-executable",
        "application/javascript",
        "text/javascript",
    }
)
ELF_MAGIC = b"\x7fELF"


def upload_errors(upload) -> list[str]:
    """Why this upload may not be stored (empty: it may)."""
    name = upload.name or ""
    label = name or "The file"
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        return [f"{label} is too large: files are limited to {_size(limit)}."]
    if upload.size == 0:
        return [f"{label} is empty."]
    # "setup.exe." and "setup.exe " open as setup.exe on Windows.
    extension = os.path.splitext(name.lower().rstrip(" ."))[1]
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if extension in BLOCKED_EXTENSIONS or content_type in BLOCKED_CONTENT_TYPES:
        return [f"{label} is a type we do not accept (programs and scripts)."]
    if _starts_like_a_program(upload):
        return [f"{label} is a program; programs and scripts are not accepted."]
    return []


def check_upload(upload) -> None:
    check_uploads([upload])


def check_uploads(uploads) -> None:
    """All or nothing: every file's problem under ``file``, before any is stored."""
    errors = [error for upload in uploads for error in upload_errors(upload)]
    if errors:
        raise DomainValidationError({"file": errors})


def _starts_like_a_program(upload) -> bool:
    """A renamed program is still a program: an ELF header, or a DOS stub ("MZ") whose
    pointer at 0x3C leads to a Windows PE signature (a text starting "MZ" is not refused)."""
    upload.seek(0)
    head = upload.read(64)
    pe_at = int.from_bytes(head[60:64], "little") if len(head) == 64 else 0
    signature = b""
    if head.startswith(b"MZ") and 64 <= pe_at < 1 << 20:
        upload.seek(pe_at)
        signature = upload.read(4)
    upload.seek(0)
    return head.startswith(ELF_MAGIC) or signature == b"PE\x00\x00"


def _size(limit: int) -> str:
    """10 MB, 512 KB, or the exact byte count when the limit is no round unit."""
    mega, kilo = 1024 * 1024, 1024
    if limit % mega == 0:
        return f"{limit // mega} MB"
    if limit % kilo == 0:
        return f"{limit // kilo} KB"
    return f"{limit} bytes"
