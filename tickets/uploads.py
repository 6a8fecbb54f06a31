"""What a file must be before it is stored on a ticket, whichever door it came through: within
the size limit and not a program. Downloads are always served as attachments (never rendered),
so documents, images and logs are fine; executables and scripts are refused because a requester
or agent who opens one runs it. Pure checks: nothing is read beyond the first bytes."""

import os

from django.conf import settings

from core.exceptions import DomainValidationError

# Programs and scripts Windows, macOS and Linux run when opened.
BLOCKED_EXTENSIONS = frozenset(
    {
        ".exe", ".com", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".bat", ".cmd",
        ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".hta", ".lnk",
        ".jar", ".app", ".dmg", ".pkg", ".sh", ".run", ".bin", ".elf", ".apk", ".reg",
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
    }
)
ELF_MAGIC = b"\x7fELF"


def upload_errors(upload) -> list[str]:
    """Why this upload may not be stored (empty: it may)."""
    name = upload.name or ""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return [f"{name}: files are limited to {settings.ATTACHMENT_MAX_BYTES} bytes."]
    extension = os.path.splitext(name.lower())[1]
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if extension in BLOCKED_EXTENSIONS or content_type in BLOCKED_CONTENT_TYPES:
        return [f"{name}: programs and scripts ({extension or content_type}) are not accepted."]
    if _starts_like_a_program(upload):
        return [f"{name}: this file is a program; programs are not accepted."]
    return []


def check_upload(upload) -> None:
    errors = upload_errors(upload)
    if errors:
        raise DomainValidationError({"file": errors})


def check_uploads(uploads) -> None:
    """All or nothing: every file's problem, before any is stored."""
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
