"""The export of the crèche pre-registrations' queue, registered in commun.listing_exports: what the queue shows, not
the application's own answers (they stay on its page)."""

from commun.listing_exports import Column, ListingExport, register
from espace_famille.creche.models import CrecheApplication

APPLICATIONS = register(
    ListingExport(
        name="preinscriptions-creche",
        title="Pré-inscriptions en crèche",
        model=CrecheApplication,
        columns=(
            Column("Date", "request.created_at"),
            Column("Famille", "request.family.name"),
            Column("Prénom de l'enfant", "child_first_name"),
            Column("Choix 1", "first_choice.name"),
            Column("Date d'entrée souhaitée", "entry_date"),
            Column("État", "request.get_state_display"),
            Column("Traitée le", "request.decided_at"),
        ),
    )
)
