"""«Justificatifs»: every document families sent, whatever its state, read-only (a document changes only through
the decisions of «Pièces à vérifier»), filtered by state, type and validity, searched by family or child, and
exported. Each row opens the document's own screen: its file, its state, who decided it and when, the history of its
request."""

from datetime import timedelta

import django_filters
from django.contrib.admin.utils import quote
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from commun import formats
from commun.admin_links import ScreenURLFinder
from commun.listing_exports import ListingExportMixin
from espace_famille.demandes.models import RequestEvent
from espace_famille.dossier.family_page import family_link
from espace_famille.justificatifs.admin_exports import ALL_DOCUMENTS
from espace_famille.justificatifs.dashboard import EXPIRY_DAYS, VIEW_DOCUMENTS
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType

DECIDE = "justificatifs.change_document"
NULLABLE_ORDERINGS = ("valid_until", "decided_at")
SEARCH_FIELDS = ("family__name", "child__first_name", "child__last_name")
EXPIRING, EXPIRED = "expire-bientot", "expire"
VALIDITY_CHOICES = [(EXPIRING, f"Expire dans les {EXPIRY_DAYS} jours"), (EXPIRED, "Expiré")]
URL_NAMESPACE = "justificatifs_admin"


def inspect_url(document_id: int) -> str:
    return reverse(f"{URL_NAMESPACE}:inspect", args=[quote(document_id)])


def expired(document: Document, today) -> bool:
    until = document.valid_until
    return document.state == DocumentState.VALIDATED and until is not None and until < today


class DocumentFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label="État", choices=DocumentState.choices, empty_label="Tous les états")
    document_type = django_filters.ModelChoiceFilter(
        label="Document", queryset=lambda request: DocumentType.objects.all(), empty_label="Tous les documents"
    )
    validity = django_filters.ChoiceFilter(
        label="Validité", choices=VALIDITY_CHOICES, empty_label="Toutes", method="filter_validity"
    )

    class Meta:
        model = Document
        fields = ["state", "document_type", "validity"]

    def filter_validity(self, queryset, name, value):
        """Validated documents whose validity ends within EXPIRY_DAYS days (today included), or has ended."""
        today = timezone.localdate()
        validated = queryset.filter(state=DocumentState.VALIDATED)
        if value == EXPIRING:
            return validated.filter(valid_until__range=(today, today + timedelta(days=EXPIRY_DAYS)))
        if value == EXPIRED:
            return validated.filter(valid_until__lt=today)
        return queryset


def _validity(document: Document, today) -> str:
    if document.valid_until is None:
        return "—"
    day = formats.date_numeric(document.valid_until)
    return f"{day} (expiré)" if expired(document, today) else day


class DocumentIndexView(ListingExportMixin, IndexView):
    """The latest documents first; a row's document opens its screen, its family its «Fiche famille»."""

    page_title = "Justificatifs"
    listing_export = ALL_DOCUMENTS
    default_ordering = "-uploaded_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("family", "child", "document_type", "request__decided_by")

    def order_queryset(self, queryset):
        """Documents without a date (not decided, not validated) last, whichever way the column is sorted and
        whatever the database; then the newest first, so that the pages never overlap."""
        name = (self.ordering or "").lstrip("-")
        if name in NULLABLE_ORDERINGS:
            column = F(name)
            order = column.desc(nulls_last=True) if self.ordering.startswith("-") else column.asc(nulls_last=True)
            return queryset.order_by(order, "-pk")
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "-pk")

    @cached_property
    def columns(self):
        today = timezone.localdate()
        return [
            Column(
                "document_type",
                label="Document",
                accessor=lambda d: format_html('<a href="{}">{}</a>', inspect_url(d.pk), d.document_type.name),
                sort_key="document_type__name",
            ),
            Column("family", label="Famille", accessor=lambda d: family_link(d.family), sort_key="family__name"),
            Column("child", label="Enfant", accessor=lambda d: d.child or "—", sort_key="child__last_name"),
            Column("state", label="État", accessor="get_state_display", sort_key="state"),
            Column(
                "uploaded_at",
                label="Déposé le",
                accessor=lambda d: formats.datetime_numeric(d.uploaded_at),
                sort_key="uploaded_at",
            ),
            Column(
                "valid_until",
                label="Valable jusqu'au",
                accessor=lambda d: _validity(d, today),
                sort_key="valid_until",
            ),
            Column(
                "decided_at",
                label="Traité le",
                accessor=lambda d: formats.datetime_numeric(d.decided_at) if d.decided_at else "—",
                sort_key="decided_at",
            ),
            Column("decided_by", label="Traité par", accessor=lambda d: d.request.decided_by or "—"),
        ]

    def get_list_more_buttons(self, instance):
        return []

    def search_queryset(self, queryset):
        """Every word must match the family's name or the child's first or last name («léo durant»)."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            matches = Q()
            for field in SEARCH_FIELDS:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset


class DocumentInspectView(InspectView):
    """A document's screen: whose, which, its file, its state and validity, who decided it and when, and the history
    of its request (the messages to the family included). Pending, it leads to «Pièces à vérifier», where it is
    decided."""

    page_title = "Pièce justificative"
    template_name = "justificatifs/admin/document.html"
    labels = {
        "family": "Famille",
        "child": "Enfant",
        "document_type": "Document",
        "file": "Fichier",
        "state": "État",
        "uploaded_at": "Déposé le",
        "uploaded_by": "Déposé par",
        "valid_until": "Valable jusqu'au",
        "decided_at": "Traité le",
        "decided_by": "Traité par",
    }

    def get_object(self, queryset=None):
        documents = Document.objects.select_related(
            "family", "child", "document_type", "uploaded_by", "request__decided_by"
        )
        return get_object_or_404(documents, pk=self.pk)

    def get_page_subtitle(self):
        return f"{self.object.document_type.name} — {self.object.family.name}"

    def get_field_label(self, field_name, field):
        return self.labels[field_name]

    def get_family_display_value(self):
        return family_link(self.object.family)

    def get_child_display_value(self):
        return self.object.child or "—"

    def get_document_type_display_value(self):
        return self.object.document_type.name

    def get_file_display_value(self):
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("justificatifs:file", args=[self.object.pk]),
            self.object.original_name,
            filesizeformat(self.object.size),
        )

    def get_uploaded_at_display_value(self):
        return formats.datetime_numeric(self.object.uploaded_at)

    def get_uploaded_by_display_value(self):
        return self.object.uploaded_by or "—"

    def get_valid_until_display_value(self):
        return _validity(self.object, timezone.localdate())

    def get_decided_at_display_value(self):
        return formats.datetime_numeric(self.object.decided_at) if self.object.decided_at else "—"

    def get_decided_by_display_value(self):
        return self.object.request.decided_by or "—"

    @cached_property
    def header_more_buttons(self):
        return []

    @cached_property
    def header_buttons(self):
        if self.object.state != DocumentState.PENDING or not self.request.user.has_perm(DECIDE):
            return []
        queue = f"{reverse('justificatifs_queue')}?type={self.object.document_type_id}"
        return [HeaderButton(label="Traiter dans « Pièces à vérifier »", url=queue, icon_name="tasks")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(
            RequestEvent.objects.filter(request_id=self.object.request_id)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        return context


class DocumentURLFinder(ScreenURLFinder):
    """Where the site's history and Wagtail's journal link a document: its screen."""

    permission = VIEW_DOCUMENTS

    def url(self, instance) -> str:
        return inspect_url(instance.pk)


class DocumentViewSet(ModelViewSet):
    """A menu item of its own, beside «Pièces à vérifier» (commun.admin_services.ViewOnlyPolicy: the documents are
    read here, whoever the user)."""

    model = Document
    icon = "doc-full"
    menu_label = "Justificatifs"
    menu_name = "justificatifs"
    # Right after «Pièces à vérifier» (198), before «Familles» (200).
    menu_order = 199
    add_to_admin_menu = True
    url_prefix = "justificatifs"
    url_namespace = URL_NAMESPACE
    add_to_reference_index = False
    index_view_class = DocumentIndexView
    inspect_view_enabled = True
    inspect_view_class = DocumentInspectView
    inspect_view_fields = list(DocumentInspectView.labels)
    filterset_class = DocumentFilterSet
    search_fields = list(SEARCH_FIELDS)
    list_per_page = 50
    copy_view_enabled = False
    url_finder_class = DocumentURLFinder
    # The generic edit form is never shown: it still needs its fields named.
    form_fields = ["valid_until"]


document_viewset = DocumentViewSet("justificatifs")
