"""The family file in «Télécharger mes données»: the family, its guardians, its children with their vaccines and
authorised adults; and how a field of the file reads in the PDF (shared with the requests' asked values)."""

from xml.sax.saxutils import escape

from django.db.models import Prefetch

from commun.data_export import Builder, rows_of, values_of, yes_no
from espace_famille.dossier import changes as file_changes
from espace_famille.dossier import rules
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Vaccination

# The family file, section by section, as the «Dossier famille» screens group it.
FAMILY_SECTIONS = (
    ("Famille", ("name", "subscriber_code")),
    ("Informations fiscales", rules.FISCAL_FIELDS),
    ("Adresse", rules.ADDRESS_FIELDS),
    ("Coordonnées bancaires", rules.BANK_FIELDS),
)
# Column widths (cm) of a child's tables, as rules.CHILD_LIST_FIELDS orders them: 17 cm in all.
LIST_WIDTHS = {"vaccinations": (7, 5, 5), "contacts": (4.5, 2.6, 2.6, 3, 2.15, 2.15)}


def field_text(model, name: str, value) -> str:
    """A value as the family reads it on its screens (markup-escaped); its own IBAN in full."""
    if name == "iban":
        return escape(value or "—")
    shown = file_changes.show(model, name, value)
    if shown.rows is not None:
        return "<br/>".join(escape(" · ".join(row)) for row in shown.rows) or "—"
    return escape(shown.text)


def field_label(model, name: str) -> str:
    return escape(file_changes.field_label(model, name))


def model_fields(doc: Builder, model, values: dict, names, *extra: list[str]):
    """Label / value rows of fields of the file, then `extra` rows."""
    doc.fields([[field_label(model, name), field_text(model, name, values.get(name))] for name in names] + list(extra))


def collect_family(family: Family) -> dict:
    names = ("name", "subscriber_code", "created_at") + rules.FISCAL_FIELDS + rules.ADDRESS_FIELDS + rules.BANK_FIELDS
    return values_of(family, names)


def collect_guardians(family: Family) -> list[dict]:
    return [
        {**values_of(guardian, rules.GUARDIAN_FIELDS), "has_photo": bool(guardian.photo)}
        for guardian in Guardian.objects.filter(family=family)
    ]


def collect_children(family: Family) -> list[dict]:
    children = Child.objects.filter(family=family).prefetch_related(
        Prefetch("vaccinations", queryset=Vaccination.objects.all()),
        Prefetch("contacts", queryset=AuthorizedContact.objects.all()),
    )
    return [
        {
            **values_of(child, rules.CHILD_FIELDS),
            "has_photo": bool(child.photo),
            "vaccinations": rows_of(child.vaccinations.all(), rules.VACCINATION_FIELDS),
            "contacts": rows_of(child.contacts.all(), rules.CONTACT_FIELDS),
        }
        for child in children
    ]


def render_family(doc: Builder, family: dict):
    doc.para("Dossier famille", "h2")
    for title, names in FAMILY_SECTIONS:
        doc.para(title, "h3")
        model_fields(doc, Family, family, names)


def render_guardians(doc: Builder, guardians: list[dict]):
    doc.para("Responsables", "h2")
    if not guardians:
        doc.para("Aucun responsable.")
    for guardian in guardians:
        doc.para(escape(f"{guardian['first_name']} {guardian['last_name'].upper()}"), "h3")
        model_fields(
            doc, Guardian, guardian, rules.GUARDIAN_FIELDS, ["Photo enregistrée", yes_no(guardian["has_photo"])]
        )


def render_children(doc: Builder, children: list[dict]):
    doc.para("Enfants", "h2")
    if not children:
        doc.para("Aucun enfant.")
    for child in children:
        doc.para(escape(f"{child['first_name']} {child['last_name'].upper()}"), "h3")
        model_fields(doc, Child, child, rules.CHILD_FIELDS, ["Photo enregistrée", yes_no(child["has_photo"])])
        for name, empty in (("vaccinations", "Aucun vaccin."), ("contacts", "Aucun adulte habilité.")):
            model = file_changes.LIST_MODELS[name]
            names = rules.CHILD_LIST_FIELDS[name]
            doc.para(escape(file_changes.field_label(Child, name)), "h4")
            rows = [[field_text(model, field, row.get(field)) for field in names] for row in child[name]]
            doc.listing(file_changes.list_headers(name), rows, LIST_WIDTHS[name], empty=empty)
