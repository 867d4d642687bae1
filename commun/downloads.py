"""How a downloaded file is named: one Content-Disposition for every download (RFC 6266, Django's
content_disposition_header: `filename="..."` for a plain ASCII name, `filename*=utf-8''...` otherwise).

A browser takes «/» or «\\» in a name for a path and keeps only what follows («Attestation CAF 01/2026.pdf» would
be saved as «2026.pdf»): they read «-». Quotes and control characters, which some browsers mangle, are dropped."""

import re

from django.utils.http import content_disposition_header

SEPARATORS = re.compile(r"\s*[/\\]\s*")
DROPPED = re.compile(r'["\x00-\x1f\x7f]')
FALLBACK = "document"


def download_name(name: str) -> str:
    """«Attestation CAF 01/2026.pdf» → «Attestation CAF 01-2026.pdf»; every word of the name kept."""
    cleaned = DROPPED.sub("", SEPARATORS.sub("-", str(name or "")))
    return " ".join(cleaned.split()) or FALLBACK


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The Content-Disposition header of a file saved as `name` (or shown in the browser, `inline`)."""
    return content_disposition_header(not inline, download_name(name))
