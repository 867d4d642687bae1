"""The exports of the family-file listings (families, guardians, children), registered in commun.listing_exports.

They hold what the listings show and what staff file with it, never a secret nor health data: no subscriber code (it
links an account to the file), no IBAN, and of a child neither allergies, diet, devices nor vaccines (the children
listing shows none)."""

from commun.listing_exports import Column, ListingExport, register
from espace_famille.dossier.models import Child, Family, Guardian

FAMILIES = register(
    ListingExport(
        name="familles",
        title="Familles",
        model=Family,
        columns=(
            Column("Famille", "name"),
            Column("Adresse", "address_line"),
            Column("Complément d'adresse", "address_complement"),
            Column("Code postal", "postcode"),
            Column("Commune", "city"),
            Column("Quotient familial", "quotient"),
            Column("N° allocataire", "allocataire_number"),
            Column("Enfants à charge", "dependants"),
            Column("Responsables", "guardians_total"),
            Column("Enfants", "children_total"),
            Column("Créée le", "created_at"),
        ),
    )
)

GUARDIANS = register(
    ListingExport(
        name="responsables",
        title="Responsables",
        model=Guardian,
        columns=(
            Column("Nom", "last_name"),
            Column("Prénom", "first_name"),
            Column("Civilité", "get_civility_display"),
            Column("Qualité", "get_quality_display"),
            Column("Situation familiale", "get_family_situation_display"),
            Column("Famille", "family.name"),
            Column("E-mail", "email"),
            Column("Téléphone", "phone"),
            Column("Téléphone portable", "mobile"),
            Column("Accepte les e-mails", "accepts_email"),
            Column("Accepte les SMS", "accepts_sms"),
        ),
    )
)

CHILDREN = register(
    ListingExport(
        name="enfants",
        title="Enfants",
        model=Child,
        columns=(
            Column("Nom", "last_name"),
            Column("Prénom", "first_name"),
            Column("Date de naissance", "birth_date"),
            Column("Sexe", "get_sex_display"),
            Column("Famille", "family.name"),
            Column("Adultes habilités", "contacts_total"),
        ),
    )
)
