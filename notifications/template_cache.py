"""The municipality's text of each kind of e-mail, kept in the shared cache until it is edited: e-mails are written
inside their cause's transaction, often under its locks (a booking's acknowledgement under the activity's)."""

from django.core.cache import cache

from commun import kept

from . import kinds
from .models import EmailTemplate

TEMPLATE_CACHE_SECONDS = 3600
_NO_TEMPLATE = "default"  # cached: this kind has no template of the municipality's


def _template_key(kind: str) -> str:
    return f"notifications:template:{kind}"


def template_for(kind: str) -> EmailTemplate | None:
    """The municipality's text for this kind of e-mail (None: the default text)."""
    found = cache.get_or_set(
        _template_key(kind),
        lambda: EmailTemplate.objects.filter(kind=kind).first() or _NO_TEMPLATE,
        timeout=TEMPLATE_CACHE_SECONDS,
    )
    return None if isinstance(found, str) else found


def template_forget(**_signal_arguments) -> None:
    """A template edited or deleted: every kind's text is read again (an edit may change a template's kind)."""
    kept.forget(*(_template_key(kind.slug) for kind in kinds.all_kinds()))
