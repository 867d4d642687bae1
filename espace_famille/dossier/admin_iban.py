"""IBANs in the admin: masked on every screen («FR76 •••• •••• •••• •••• •••• 189»), read in full only by whoever
holds espace_famille.view_full_iban (régisseurs, administrators), through «Afficher l'IBAN», each showing audited
(dossier.services.family_iban_show).

On the family's form, a staff member without the permission reads the IBAN masked and cannot change it: bank
details change through the family's request («Mes coordonnées bancaires»). One with it may type a new IBAN; the
current one is never written into the page."""

from django import forms
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views import View
from django.views.decorators.cache import never_cache

from espace_famille.dossier import rules
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Family
from espace_famille.dossier.permissions import VIEW_FULL_IBAN

SHOW = "Afficher l'IBAN"
THROUGH_REQUEST = "Les coordonnées bancaires changent par une demande de la famille (« Mes coordonnées bancaires »)."


def show_url(family: Family) -> str:
    return reverse("espace_famille_family_iban", args=[family.pk])


def masked(family: Family, user):
    """The masked IBAN, with the link «Afficher l'IBAN» for whoever may read it in full."""
    if not family.iban:
        return "—"
    if not user.has_perm(VIEW_FULL_IBAN):
        return rules.mask_iban(family.iban)
    return format_html('{} — <a href="{}">{}</a>', rules.mask_iban(family.iban), show_url(family), SHOW)


class MaskedInput(forms.TextInput):
    """A read-only IBAN: the masked value is all the page holds."""

    def format_value(self, value):
        return rules.mask_iban(value or "")


def iban_field(form) -> None:
    """The IBAN field of the family's form (a WagtailAdminModelForm), for the staff member it is built for."""
    family = form.instance
    if not form.for_user.has_perm(VIEW_FULL_IBAN):
        # Disabled: the form keeps the file's IBAN, whatever is posted.
        form.fields["iban"] = forms.CharField(
            label="IBAN", required=False, disabled=True, widget=MaskedInput, help_text=THROUGH_REQUEST
        )
        return
    form.initial.pop("iban", None)
    field = form.fields["iban"]
    field.widget.attrs["autocomplete"] = "off"
    if family.pk and family.iban:
        field.label = "Nouvel IBAN"
        field.help_text = format_html(
            "IBAN actuel : {} — Laissez vide pour le conserver.", masked(family, form.for_user)
        )


def kept_iban(form) -> str:
    """The IBAN the form saves: the one typed, else the file's own."""
    return form.cleaned_data.get("iban") or form.instance.iban


@method_decorator(never_cache, name="dispatch")
class FamilyIbanView(View):
    """«Afficher l'IBAN»: asks first (GET), then shows the IBAN in full (POST), each showing audited. Refused (403,
    nothing shown, nothing written) to whoever does not hold the permission."""

    template_name = "espace_famille/admin/family_iban.html"

    def dispatch(self, request, *args, **kwargs):
        self.family = get_object_or_404(Family, pk=kwargs["pk"])
        if not request.user.has_perm(VIEW_FULL_IBAN):
            # A plain refusal, not Wagtail's detour to the dashboard: the page says why.
            return self.render(status=403)
        return super().dispatch(request, *args, **kwargs)

    def render(self, full_iban: str = "", status: int = 200):
        context = {
            "family": self.family,
            "masked": rules.mask_iban(self.family.iban),
            "full_iban": rules.format_iban(full_iban),
            "refused": status == 403,
            "back": reverse("espace_famille_family_modeladmin_inspect", args=[self.family.pk]),
            "show": SHOW,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        return self.render(dossier_services.family_iban_show(family=self.family, by=request.user))


def admin_urls():
    return [path("familles/<int:pk>/iban/", FamilyIbanView.as_view(), name="espace_famille_family_iban")]
