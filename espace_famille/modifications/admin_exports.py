"""The export of the family-file requests' queue, registered in commun.listing_exports: what the queue shows, never
the values asked for (an IBAN, a child's health data may be among them)."""

from commun.listing_exports import Column, ListingExport, register
from espace_famille.demandes.models import Request

FAMILY_FILE_REQUESTS = register(
    ListingExport(
        name="demandes-dossier-famille",
        title="Demandes du dossier famille",
        model=Request,
        columns=(
            Column("Date", "created_at"),
            Column("Type", "get_kind_display"),
            Column("Famille", "family.name"),
            Column("Concerne", "subject"),
            Column("État", "get_state_display"),
            Column("Traitée le", "decided_at"),
        ),
    )
)
