"""«Fiche famille»: one admin page per family, with everything the service knows of it, each part linking to its
own screen. The family file's own parts (the family, its guardians, its children with health and authorisations,
its accounts) are here; the other apps add theirs (documents, requests, bookings, invoices, messages) through the
`portail_family_sections` hook, and name the rows of the journal through `portail_family_audit_objects`, so that
this app imports none of them.

A section is a `FamilySection` (a Wagtail component) built by `fn(request, family)`, or None when the person may
not see it; each reads in a fixed number of queries, whatever the family's history."""

from django.contrib.admin import display
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import ModelLogEntry

from commun import formats
from commun.admin_links import ScreenURLFinder
from espace_famille.dossier import admin_iban, audit
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Subscription, Vaccination

SECTIONS_HOOK = "portail_family_sections"
AUDIT_OBJECTS_HOOK = "portail_family_audit_objects"
VIEW_FAMILY = "espace_famille.view_family"
VIEW_CHILD = "espace_famille.view_child"
URL_NAME = "espace_famille_family_page"
JOURNAL_ROWS = 50
SCREEN = "Fiche famille"


def family_url(family_id: int) -> str:
    return reverse(URL_NAME, args=[family_id])


def family_link(family: Family | None, name: str | None = None):
    """The family's name, opening its «Fiche famille»: every admin screen that names a family uses this."""
    if family is None:
        return "—"
    if not isinstance(family, Family):
        return str(family)
    return format_html('<a class="portail-family-link" href="{}">{}</a>', family_url(family.pk), name or family.name)


class FamilyColumnMixin:
    """For a ModelAdmin whose rows belong to a family: put "family_column" in list_display, the family's name
    opening its «Fiche famille»."""

    family_path = "family"

    @display(description="famille", ordering="family__name")
    def family_column(self, obj):
        family = obj
        for name in self.family_path.split("__"):
            family = getattr(family, name)
        return family_link(family)


class FamilyURLFinder(ScreenURLFinder):
    """Where the site's history (and any Wagtail screen that names a family) links a family: its «Fiche famille»,
    for staff who may read families (their edit form is a button of it)."""

    permission = VIEW_FAMILY

    def url(self, instance) -> str:
        return family_url(instance.pk)


def admin_url(name: str, *args) -> str:
    return reverse(name, args=args)


class FamilySection(Component):
    """One part of the page: a heading, rows read for the template, and where the full list lives («Tout voir»)."""

    order = 100
    heading = ""
    template_name = ""

    def __init__(self, family: Family, **context):
        self.family = family
        self.context = context

    @property
    def anchor(self) -> str:
        return type(self).__name__.lower()

    def get_context_data(self, parent_context):
        return {"family": self.family, "section": self, **self.context}


class IdentitySection(FamilySection):
    order = 10
    heading = "Dossier famille"
    template_name = "espace_famille/admin/family_page/identity.html"


class GuardiansSection(FamilySection):
    order = 20
    heading = "Responsables"
    template_name = "espace_famille/admin/family_page/guardians.html"


class ChildrenSection(FamilySection):
    order = 30
    heading = "Enfants"
    template_name = "espace_famille/admin/family_page/children.html"


class AccountsSection(FamilySection):
    order = 35
    heading = "Comptes abonnés"
    template_name = "espace_famille/admin/family_page/accounts.html"


class JournalSection(FamilySection):
    order = 200
    heading = "Journal"
    template_name = "espace_famille/admin/family_page/journal.html"


def _file_sections(request, family: Family) -> list[FamilySection]:
    guardians = list(family.guardians.order_by("position", "pk"))
    children = list(
        family.children.order_by("birth_date", "pk").prefetch_related(
            Prefetch("vaccinations", queryset=Vaccination.objects.order_by("-date", "pk")),
            Prefetch("contacts", queryset=AuthorizedContact.objects.order_by("full_name", "pk")),
        )
    )
    subscriptions = list(family.subscriptions.select_related("user").order_by("created_at", "pk"))
    # Health data and authorisations are for the staff who look after the children, not for the régie.
    health = request.user.has_perm(VIEW_CHILD)
    if health:
        audit.health_data_read(children=children, by=request.user, screen=SCREEN)
    can_edit = request.user.has_perm("espace_famille.change_family")
    return [
        IdentitySection(
            family,
            iban=admin_iban.masked(family, request.user) if family.iban else "",
            edit_url=admin_url("espace_famille_family_modeladmin_edit", family.pk) if can_edit else "",
        ),
        GuardiansSection(
            family,
            guardians=guardians,
            can_edit=request.user.has_perm("espace_famille.change_guardian"),
        ),
        ChildrenSection(
            family,
            children=[_child_row(child) for child in children],
            health=health,
            can_edit=request.user.has_perm("espace_famille.change_child"),
        ),
        AccountsSection(family, subscriptions=subscriptions),
    ]


AUTHORISATIONS = ("allows_sport", "allows_photo", "allows_leave_alone", "allows_outings", "allows_hospitalisation")
AIDS = ("glasses", "dental_appliance", "hearing_aid")


def _child_row(child: Child) -> dict:
    fields = {field.name: field for field in Child._meta.fields}
    return {
        "child": child,
        "age": formats.age(child.birth_date, today=timezone.localdate()),
        "authorisations": [(fields[name].verbose_name, getattr(child, name)) for name in AUTHORISATIONS],
        "aids": [fields[name].verbose_name for name in AIDS if getattr(child, name)],
        "vaccinations": list(child.vaccinations.all()),
        "contacts": list(child.contacts.all()),
    }


def _journal(family: Family, objects: list[tuple[type, object]]) -> list[ModelLogEntry]:
    """The audit entries of the family and of everything that belongs to it, the latest first.

    The identifiers of what belongs to the family are read first (one query per kind of object), then the entries
    through the index on their object's identifier: the log holds every entry of the portal, and a condition on
    the content type alone would read all the entries of every child."""
    owned = [
        (Family, [family.pk]),
        (Guardian, Guardian.objects.filter(family=family)),
        (Child, Child.objects.filter(family=family)),
        (Subscription, Subscription.objects.filter(family=family)),
        *objects,
    ]
    condition, every_id = Q(), set()
    for model, pks in owned:
        ids = [str(pk) for pk in (pks if isinstance(pks, list) else pks.values_list("pk", flat=True))]
        if ids:
            every_id.update(ids)
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    # Health data reads are audited apart (each showing of this very page writes some): not in the family's story.
    return list(
        ModelLogEntry.objects.filter(object_id__in=sorted(every_id))
        .filter(condition)
        .exclude(action=audit.HEALTH_READ)
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")[:JOURNAL_ROWS]
    )


def sections_for(request, family: Family) -> list[FamilySection]:
    sections = _file_sections(request, family)
    for build in hooks.get_hooks(SECTIONS_HOOK):
        if (section := build(request, family)) is not None:
            sections.append(section)
    objects = [item for source in hooks.get_hooks(AUDIT_OBJECTS_HOOK) for item in source(family)]
    sections.append(JournalSection(family, entries=_journal(family, objects)))
    return sorted(sections, key=lambda section: section.order)


@method_decorator(never_cache, name="dispatch")
class FamilyPageView(TemplateView):
    """Health data and bank details are on this page: never cached, and each showing of health data is audited."""

    template_name = "espace_famille/admin/family_page.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_FAMILY):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        family = get_object_or_404(Family, pk=self.kwargs["pk"])
        sections = sections_for(self.request, family)
        context.update(
            family=family,
            sections=sections,
            page_title=f"Fiche famille {family.name}",
            header_icon="group",
            index_url=reverse("espace_famille_family_modeladmin_index"),
        )
        return context


def admin_urls() -> list:
    return [path("familles/<int:pk>/", FamilyPageView.as_view(), name=URL_NAME)]
