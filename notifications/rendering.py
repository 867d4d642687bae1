"""Turns an email template and a context into subject, plain text and HTML."""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from commun import elision

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# «de » right before a placeholder: «la réservation de {{ enfant }}» reads «d'Alice» (commun.elision).
DE_BEFORE = re.compile(r"(?<![\w'])([Dd])e $")


@dataclass(frozen=True)
class Rich:
    """A placeholder value that has its own plain-text and HTML forms (a table of days, say)."""

    text: str
    html: SafeString


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def unknown_placeholders(source: str, known: dict[str, str]) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(source or "") if name not in known})


def _before(text: str, value) -> str:
    """The author's text before a value: its last «de » elided when the value starts with a vowel sound."""
    if value is None or isinstance(value, Rich) or not elision.elides(str(value)):
        return text
    return DE_BEFORE.sub(r"\1'", text)


# What may follow a placeholder left empty for its spaces before it to go too: «Bonjour {{ nom_complet }},» reads
# «Bonjour,» for a person whose name is unknown, never «Bonjour ,».
SPACES = " \t\u00a0\u202f"
CLOSING = ",.;:!?)…"


def _empty(found) -> bool:
    return not (found.text if isinstance(found, Rich) else str(found))


def _parts(source: str, context: dict):
    """The source cut at its placeholders: (text before, value) pairs, then (the rest, None). An empty value takes
    the spaces before it away when punctuation, a space or the end of the text follows it."""
    source, last = source or "", 0
    for match in PLACEHOLDER.finditer(source):
        found = context.get(match.group(1))
        found = "" if found is None else found
        before = source[last : match.start()]
        after = source[match.end() : match.end() + 1]
        if _empty(found) and (not after or after in CLOSING or after.isspace()):
            before = before.rstrip(SPACES)
        yield before, found
        last = match.end()
    yield source[last:], None


def _fill_text(source: str, context: dict) -> str:
    return "".join(
        _before(before, found) + ("" if found is None else found.text if isinstance(found, Rich) else str(found))
        for before, found in _parts(source, context)
    )


def _fill_html(source: str, context: dict) -> SafeString:
    """Escape the author's text and the values; keep Rich values' own HTML."""
    parts = []
    for before, found in _parts(source, context):
        parts.append(conditional_escape(_before(before, found)))
        if found is not None:
            parts.append(found.html if isinstance(found, Rich) else conditional_escape(str(found)))
    return mark_safe("".join(parts))


def _paragraphs_html(source: str, context: dict) -> SafeString:
    """Each paragraph in <p>, except one that is a single Rich placeholder (a table): its HTML stands alone."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (source or "").strip()) if p.strip()]
    blocks = []
    for paragraph in paragraphs:
        alone = PLACEHOLDER.fullmatch(paragraph)
        if alone and isinstance(context.get(alone.group(1)), Rich):
            blocks.append(context[alone.group(1)].html)
        else:
            blocks.append(format_html("<p>{}</p>", mark_safe(_fill_html(paragraph, context).replace("\n", "<br>"))))
    return mark_safe("\n".join(blocks))


def render(*, kind, context: dict, template=None, signature: dict | None = None) -> RenderedEmail:
    """Render with the municipality's template when there is one, the kind's default text otherwise."""
    subject_src = template.subject if template else kind.subject
    body_src = template.body if template else kind.body
    button_label = (template.button_label if template else kind.button_label) or kind.button_label
    zone_src = template.zone if template else kind.zone
    button_url = str(context.get(kind.button_url_key, "")) if kind.button_url_key else ""
    message = str(context.get("message_instructeur", "") or "")
    layout = {
        "body_text": _fill_text(body_src, context).strip(),
        "body_html": _paragraphs_html(body_src, context),
        "button_label": button_label if button_url else "",
        "button_url": button_url,
        "zone_text": _fill_text(zone_src, context).strip(),
        "zone_html": _paragraphs_html(zone_src, context),
        "message_text": message,
        "message_html": _paragraphs_html(message, {}),
        "signature": signature or {},
        "subject": " ".join(_fill_text(subject_src, context).split()),
    }
    return RenderedEmail(
        subject=layout["subject"],
        text=render_to_string("notifications/email.txt", layout).strip() + "\n",
        html=render_to_string("notifications/email.html", layout),
    )


def paragraphs(text: str) -> Rich:
    """A person's own text (a message of the service) as a placeholder value: itself in plain text, its paragraphs
    escaped in HTML. Its braces stay as typed: it is not a template."""
    text = (text or "").replace("\r\n", "\n").strip()
    blocks = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "\n".join(
        format_html("<p>{}</p>", mark_safe(conditional_escape(block).replace("\n", "<br>"))) for block in blocks
    )
    return Rich(text=text, html=mark_safe(html))
