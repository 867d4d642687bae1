"""«Pré-inscription en crèche»: three steps, a review page, the submission. Views parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commun import intents
from espace_famille.creche import forms, rules, selectors, services
from espace_famille.dossier.selectors import current_family
from espace_famille.planning.models import Facility

TITLES = ["Informations", "Famille", "Type de garde"]
SUBMIT = "creche.submit"


def _family(request):
    family = current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        raise Http404
    return family


def _context(step: int, form) -> dict:
    return {
        "form": form,
        "step": step,
        "steps": list(enumerate(TITLES, start=1)),
        "days": rules.DAYS,
        "breadcrumb": [("Pré-inscription en crèche", None)],
    }


@login_required
def step(request, number: int):
    if number not in (1, 2, 3):
        raise Http404
    family = _family(request)
    form_class = forms.STEPS[number - 1]
    answers = selectors.wizard_values(family=family)
    if request.method == "POST":
        form = form_class(request.POST, answers=answers)
        if not form.is_valid():
            return render(request, "creche/step.html", _context(number, form), status=400)
        services.draft_save(family=family, values=form.as_json(), by=request.user)
        if "previous" in request.POST and number > 1:
            return redirect("creche:step", number=number - 1)
        if number < 3:
            return redirect("creche:step", number=number + 1)
        return redirect("creche:review")
    form = form_class(initial=answers, answers=answers)
    return render(request, "creche/step.html", _context(number, form))


def review_rows(values: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers as sections of (label, shown value), for «Vérifier ma saisie»."""
    sections = []
    for number, form_class in enumerate(forms.STEPS, start=1):
        form = form_class()
        rows = []
        for name, field in form.fields.items():
            value = values.get(name)
            if name.startswith("slot_") or value in (None, ""):
                continue
            if name.startswith("choice"):
                facility = Facility.objects.filter(pk=value).first()
                value = facility.name if facility else ""
            else:
                value = forms.answer_shown(field, value)
            label = {"r1": "Responsable1 — ", "r2": "Responsable2 — "}.get(name[:2], "") + str(field.label)
            rows.append((label, str(value)))
        if number == 3:
            slots = [
                f"{rules.DAYS[day]} {rules.HALVES[half].lower()}"
                for day in range(7)
                for half in range(2)
                if values.get(rules.slot_name(day, half))
            ]
            rows.append(("Fréquentation souhaitée", ", ".join(slots) or "—"))
        sections.append((f"Etape {number} {TITLES[number - 1]}", number, rows))
    return sections


def _complete(values: dict) -> int | None:
    """The first step whose answers do not validate, or None."""
    for number, form_class in enumerate(forms.STEPS, start=1):
        data = {k: ("on" if v is True else v) for k, v in values.items() if v not in (None, False)}
        if not form_class(data, answers=values).is_valid():
            return number
    return None


@login_required
def review(request):
    family = _family(request)
    values = selectors.draft_data(family=family)
    missing = _complete(values)
    if missing:
        return redirect("creche:step", number=missing)
    context = {
        "sections": review_rows(values),
        "intent": intents.issue(action=SUBMIT, subject=str(family.pk), user=request.user),
        "breadcrumb": [("Pré-inscription en crèche", "creche:start")],
    }
    return render(request, "creche/review.html", context)


@login_required
@require_POST
def submit(request):
    """«Envoyer ma demande». The steps' POSTs need no intent: each merges the same answers into the draft again."""
    family = _family(request)
    try:
        with intents.once(request.POST.get(intents.FIELD), action=SUBMIT, subject=str(family.pk), user=request.user):
            missing = _complete(selectors.draft_data(family=family))
            if missing:
                transaction.set_rollback(True)  # nothing sent: the intent stays usable once the step is completed
                return redirect("creche:step", number=missing)
            created = services.application_submit(family=family, by=request.user)
    except intents.AlreadyDone as error:
        messages.info(request, error.message)
        sent = selectors.latest_application(family=family)
        return redirect("espace_famille:request_detail", pk=sent.pk) if sent else redirect("espace_famille:requests")
    except intents.IntentInvalid as error:
        messages.error(request, error.message)
        return redirect("creche:review")
    except services.IncompleteApplication as error:  # the draft went with a submission from another page
        messages.error(request, error.message)
        return redirect("creche:review")
    messages.success(request, "Votre demande de pré-inscription en crèche a bien été enregistrée.")
    return redirect("espace_famille:request_detail", pk=created.pk)
