"""The supporting documents' part of «À faire» (commun.todo): a mandatory document to provide (never sent,
refused or expired), and a validated one that expires within the month."""

from datetime import date, timedelta

from django.urls import reverse

from commun import formats, todo
from espace_famille.justificatifs import rules, selectors

EXPIRES_WITHIN = timedelta(days=30)


def _upload_url(row) -> str:
    url = reverse("justificatifs:upload", args=[row.document_type.pk])
    return f"{url}?enfant={row.child.pk}" if row.child else url


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    items = []
    for row in selectors.table(family=family, today=today):
        name = row.document_type.name + (f" ({row.child.first_name})" if row.child else "")
        until = row.document.valid_until if row.document else None
        if row.missing:
            text = {
                rules.REFUSED: f"Pièce refusée : {name}",
                rules.EXPIRED: f"Pièce expirée : {name}",
            }.get(row.shown, f"Pièce à fournir : {name}")
            detail = f"Expirée le {formats.date_numeric(until)}." if row.shown == rules.EXPIRED else ""
            items.append(
                todo.Todo(text=text, detail=detail, url=_upload_url(row), action="Déposer la pièce", rank=todo.URGENT)
            )
        elif row.shown == rules.VALIDATED and until is not None and until <= today + EXPIRES_WITHIN:
            items.append(
                todo.Todo(
                    text=f"Pièce bientôt expirée : {name}",
                    detail=f"Valable jusqu'au {formats.date_numeric(until)}.",
                    url=_upload_url(row),
                    action="Déposer la nouvelle pièce",
                    rank=todo.URGENT,
                    by=until,
                )
            )
    return items
