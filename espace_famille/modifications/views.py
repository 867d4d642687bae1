"""«Ma famille»: the family file, the guardians and children screens, photos. Changes become requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commun import intents, throttling
from commun.elision import de
from commun.uploads import PHOTO, UploadRefused, upload_help
from espace_famille.demandes import selectors as demandes_selectors
from espace_famille.demandes.models import RequestKind
from espace_famille.dossier import changes, rules
from espace_famille.dossier import selectors as dossier_selectors
from espace_famille.dossier.models import Child, Guardian
from espace_famille.modifications import selectors as modifications_selectors
from espace_famille.modifications import services
from espace_famille.modifications.forms import (
    AddressForm,
    BankForm,
    ChildForm,
    ContactFormSet,
    FiscalForm,
    GuardianForm,
    VaccinationFormSet,
    rows_formset,
)

ESPACE_FAMILLE = ("Espace famille", "espace_famille:home")
MA_FAMILLE = ("Ma famille", "espace_famille:family_file")
SUBMITTED = (
    "Votre demande de modification a été transmise au service. Les valeurs en attente sont affichées en jaune "
    "jusqu'à son traitement ; vous la suivez dans « Mes demandes »."
)
NOTHING_CHANGED = "Aucune modification à transmettre : les valeurs saisies sont celles du dossier."
# What each family-file form confirms, as its intent names it (commun.intents): a resubmitted page does nothing.
GUARDIAN_ACTION = "family_file.guardian"
CHILD_ACTION = "family_file.child"
CHILD_ADD_ACTION = "family_file.child_add"
PHOTO_ACTION = "family_file.photo"


def _pending(family, kind, **target) -> dict:
    request = demandes_selectors.pending_request(family=family, kind=kind, **target)
    return request.changes if request else {}


@never_cache
@login_required
def family_file(request):
    family = dossier_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        return redirect("espace_famille:home")
    members = modifications_selectors.family_members(family=family)
    context = {
        "family": family,
        **members,
        "breadcrumb": [ESPACE_FAMILLE, (MA_FAMILLE[0], None)],
    }
    return render(request, "espace_famille/family_file.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def guardian_edit(request, pk):
    """The guardians screen: data common to the family (fiscal, address, bank) and the guardian's own."""
    guardian = dossier_selectors.guardian_for(user=request.user, pk=pk)
    family = guardian.family
    sections = [
        (RequestKind.FISCAL_CHANGE, FiscalForm, "fiscal", family, {}),
        (RequestKind.ADDRESS_CHANGE, AddressForm, "address", family, {}),
        (RequestKind.BANK_CHANGE, BankForm, "bank", family, {}),
        (RequestKind.GUARDIAN_CHANGE, GuardianForm, "guardian", guardian, {"guardian": guardian}),
    ]
    data = request.POST if request.method == "POST" else None
    forms = {}
    for kind, form_class, prefix, target, who in sections:
        fields = changes.KIND_FIELDS[kind][1]
        forms[prefix] = form_class(
            data,
            prefix=prefix,
            current=changes.snapshot(target, fields),
            pending=_pending(family, kind, **who),
            **(
                {"user": request.user, "blocked": throttling.password_confirmation_blocked(request)}
                if form_class is BankForm
                else {}
            ),
        )
    status, intent_error = 200, None
    if data is not None:
        if all(form.is_valid() for form in forms.values()):
            # The four sections are asked together, under one intent: all of them once, or none.
            try:
                with intents.once(
                    request.POST.get(intents.FIELD), action=GUARDIAN_ACTION, subject=guardian.pk, user=request.user
                ):
                    made = [
                        services.family_file_submit(
                            family=family, kind=kind, values=forms[prefix].values(), by=request.user, **who
                        )
                        for kind, _, prefix, _, who in sections
                    ]
            except intents.AlreadyDone:
                messages.info(request, intents.ALREADY_DONE)
                return redirect("espace_famille:guardian_edit", pk=guardian.pk)
            except intents.IntentInvalid as error:
                intent_error = error.message
            else:
                if any(made):
                    messages.success(request, SUBMITTED)
                else:
                    messages.info(request, NOTHING_CHANGED)
                return redirect("espace_famille:guardian_edit", pk=guardian.pk)
        if BankForm.WRONG in forms["bank"].errors.get("password", []):
            throttling.password_confirmation_failed(request)
        status = 400
    context = {
        "family": family,
        "guardian": guardian,
        "guardians": family.guardians.all(),
        "forms": forms,
        "any_pending": any(form.pending for form in forms.values()),
        "current_iban": rules.mask_iban(family.iban),
        "intent": intents.issue(action=GUARDIAN_ACTION, subject=guardian.pk, user=request.user),
        "intent_error": intent_error,
        "breadcrumb": [ESPACE_FAMILLE, MA_FAMILLE, ("Responsables", None)],
    }
    return render(request, "espace_famille/guardian_edit.html", context, status=status)


def _child_screen(request, *, child: Child | None, family, kind, pending: dict):
    """Shared by «Modifier» and «Ajouter un enfant»: the general form and the vaccines and contacts tables.

    «Ajouter un vaccin» / «Ajouter un adulte» only redraw the page; «Soumettre la modification» carries out its
    intent, once."""
    action, subject = (CHILD_ACTION, child.pk) if child else (CHILD_ADD_ACTION, family.pk)
    done = redirect("espace_famille:child_edit", pk=child.pk) if child else redirect("espace_famille:family_file")
    fields = changes.KIND_FIELDS[kind][1]
    current = changes.snapshot(child, fields) if child else {}
    data = request.POST if request.method == "POST" else None
    adding = request.POST.get("add") if data is not None else None
    form = ChildForm(data, prefix="child", current=current, pending={k: v for k, v in pending.items()})
    tables = {}
    for formset_class in (VaccinationFormSet, ContactFormSet):
        name = formset_class.name
        rows = pending[name]["after"] if name in pending else current.get(name, [])
        tables[name] = rows_formset(formset_class, data=data, rows=rows, add=adding == name)
    status, intent_error = 200, None
    if data is not None and adding not in tables:
        if form.is_valid() and all(formset.is_valid() for formset in tables.values()):
            values = {**form.values(), **{name: formset.rows() for name, formset in tables.items()}}
            try:
                with intents.once(request.POST.get(intents.FIELD), action=action, subject=subject, user=request.user):
                    made = services.family_file_submit(
                        family=family, kind=kind, values=values, by=request.user, child=child
                    )
            except intents.AlreadyDone:
                messages.info(request, intents.ALREADY_DONE)
                return done
            except intents.IntentInvalid as error:
                intent_error = error.message
            else:
                if made is not None:
                    messages.success(request, SUBMITTED)
                else:
                    messages.info(request, NOTHING_CHANGED)
                return done
        status = 400
    current_tables = {name: changes.show(Child, name, current.get(name, [])) for name in ("vaccinations", "contacts")}
    context = {
        "family": family,
        "child": child,
        "form": form,
        "vaccinations": tables["vaccinations"],
        "contacts": tables["contacts"],
        "pending_tables": {name: current_tables[name] for name in tables if name in pending},
        "any_pending": bool(pending) and child is not None,
        "vaccination_headers": changes.list_headers("vaccinations"),
        "contact_headers": changes.list_headers("contacts"),
        "intent": intents.issue(action=action, subject=subject, user=request.user),
        "intent_error": intent_error,
        "breadcrumb": [ESPACE_FAMILLE, MA_FAMILLE, (str(child) if child else "Ajouter un enfant", None)],
    }
    return render(request, "espace_famille/child_edit.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk):
    child = dossier_selectors.child_for(user=request.user, pk=pk)
    pending = _pending(child.family, RequestKind.CHILD_CHANGE, child=child)
    return _child_screen(request, child=child, family=child.family, kind=RequestKind.CHILD_CHANGE, pending=pending)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def child_add(request):
    family = dossier_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        raise Http404
    return _child_screen(request, child=None, family=family, kind=RequestKind.CHILD_ADD, pending={})


PEOPLE = {"responsable": Guardian, "enfant": Child}


def _person(request, person: str, pk: int):
    model = PEOPLE.get(person)
    if model is None:
        raise Http404
    if model is Guardian:
        return dossier_selectors.guardian_for(user=request.user, pk=pk)
    return get_object_or_404(Child.objects.select_related("family"), pk=pk, family__subscriptions__user=request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def photo_edit(request, person, pk):
    """«Modifier la photo»: applied at once, no validation by the service."""
    target = _person(request, person, pk)
    subject = f"{person}:{target.pk}"
    error = intent_error = None
    if request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is None:
            error = "Choisissez une photo à envoyer."
        else:
            try:
                with intents.once(
                    request.POST.get(intents.FIELD), action=PHOTO_ACTION, subject=subject, user=request.user
                ):
                    services.photo_update(person=target, upload=upload, by=request.user)
            except intents.AlreadyDone:
                messages.info(request, intents.ALREADY_DONE)
                return redirect("espace_famille:family_file")
            except intents.IntentInvalid as exc:
                intent_error = exc.message
            except UploadRefused as exc:
                error = exc.message
            else:
                messages.success(request, f"La photo {de(target)} a été modifiée.")
                return redirect("espace_famille:family_file")
    context = {
        "target": target,
        "person": person,
        "error": error,
        "intent": intents.issue(action=PHOTO_ACTION, subject=subject, user=request.user),
        "intent_error": intent_error,
        "formats": upload_help(PHOTO),
        "breadcrumb": [ESPACE_FAMILLE, MA_FAMILLE, ("Modifier la photo", None)],
    }
    return render(request, "espace_famille/photo_edit.html", context, status=400 if error or intent_error else 200)


@never_cache
@login_required
def photo_serve(request, person, pk):
    """The photo, to the family's guardians and to staff allowed to see family files, never cached."""
    model = PEOPLE.get(person)
    if model is None:
        raise Http404
    if request.user.has_perm(f"espace_famille.view_{model._meta.model_name}"):
        target = get_object_or_404(model, pk=pk)
    else:
        target = _person(request, person, pk)
    if not target.photo:
        raise Http404
    return FileResponse(target.photo.open("rb"), content_type="image/jpeg")
