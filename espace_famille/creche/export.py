"""The crèche part of «Télécharger mes données»: the family's applications with their answers, and its draft."""

from xml.sax.saxutils import escape

from commun.data_export import json_value, when
from commun.elision import de
from espace_famille.creche.forms import FamilleForm, InformationsForm, TypeDeGardeForm, answer_shown
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes.models import RequestState

# Facility ids of the choices: the application says the crèches' names in `choice_names`.
HIDDEN_ANSWERS = {f"choice{index}" for index in range(1, 5)}


def collect(family) -> dict:
    applications = (
        CrecheApplication.objects.filter(request__family=family).select_related("request").order_by("request__pk")
    )
    draft = CrecheDraft.objects.filter(family=family).first()
    return {
        "applications": [
            {
                "child_first_name": application.child_first_name,
                "state": application.request.state,
                "submitted_at": json_value(application.request.created_at),
                "decided_at": json_value(application.request.decided_at),
                "entry_date": json_value(application.entry_date),
                "answers": application.data,
            }
            for application in applications
        ],
        "draft": {"updated_at": json_value(draft.updated_at), "answers": draft.data} if draft else None,
    }


def _fields() -> dict:
    """The wizard's fields by name: each answer's label, and how its value reads (answer_shown)."""
    fields = {}
    for form in (InformationsForm(), FamilleForm(), TypeDeGardeForm()):
        fields.update(form.fields)
    return fields


def _label(name: str, fields: dict) -> str:
    if name == "choice_names":
        return "Crèches choisies"
    return str(fields[name].label) if name in fields else name


def _answer(field, value) -> str:
    if isinstance(value, list):
        return escape(", ".join(str(item) for item in value)) or "—"
    if field is not None:
        value = answer_shown(field, value)
    elif isinstance(value, bool):
        value = "Oui" if value else "Non"
    return escape(str(value)) if value not in (None, "") else "—"


def _answers(doc, answers: dict, fields: dict) -> None:
    rows = [
        [escape(_label(name, fields)), _answer(fields.get(name), value)]
        for name, value in answers.items()
        if name not in HIDDEN_ANSWERS and value not in (None, "", False)
    ]
    doc.listing(["Question", "Réponse"], rows, (8, 9), empty="Aucune réponse.")


def render(doc, creche: dict) -> None:
    doc.para("Pré-inscriptions en crèche", "h2")
    if not creche["applications"] and not creche["draft"]:
        doc.para("Aucune pré-inscription.")
        return
    fields = _fields()
    states = dict(RequestState.choices)
    for application in creche["applications"]:
        doc.para(escape(f"Pré-inscription {de(application['child_first_name'])}"), "h3")
        rows = [
            ["État", escape(str(states.get(application["state"], application["state"])))],
            ["Déposée le", when(application["submitted_at"])],
            ["Date d'entrée souhaitée", when(application["entry_date"])],
        ]
        if application["decided_at"]:
            rows.append(["Traitée le", when(application["decided_at"])])
        doc.fields(rows)
        _answers(doc, application["answers"], fields)
    if creche["draft"]:
        doc.para("Pré-inscription en cours (brouillon)", "h3")
        doc.fields([["Modifiée le", when(creche["draft"]["updated_at"])]])
        _answers(doc, creche["draft"]["answers"], fields)
