"""Admin views of the family files (instructors): families, guardians, children, vaccines, authorised adults and
subscriptions; every create, edit and delete goes through dossier.services, a child's health data read is
audited, an IBAN is shown masked (dossier.admin_iban)."""

from django.contrib.admin import display
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView

from commun import admin_services
from commun.admin_display import DisplayAdminMixin, DisplayInspectView
from commun.admin_links import RecordLinkAdminMixin
from commun.forms import BicField, IbanField
from commun.listing_exports import ListingExportAdminMixin
from espace_famille.dossier import admin_exports, admin_iban, audit
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.family_page import FamilyColumnMixin, FamilyURLFinder, family_link
from espace_famille.dossier.models import (
    AuthorizedContact,
    Child,
    Family,
    Guardian,
    Subscription,
    Vaccination,
)


class PanelsServiceCreateView(admin_services.ServiceCreateView):
    """A create form of its own panels whose save goes through a service (code drawn, audit entry written)."""

    panels: list = []
    base_form_class = None

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)

    def create(self, data):
        raise NotImplementedError

    def write(self, form):
        return self.create(form.cleaned_data)


class FamilyCreateView(PanelsServiceCreateView):
    # The subscriber code is a secret nobody types: the service draws it.
    panels = [FieldPanel("name")]

    def create(self, data):
        return dossier_services.family_create(name=data["name"], by=self.request.user)

    def get_success_url(self):
        return self.url_helper.get_action_url("edit", self.instance.pk)


def _account_label(user):
    # Staff look an account up by its login, the email.
    name = str(user)
    return user.email if name == user.email else f"{user.email} ({name})"


class SubscriptionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = _account_label


class SubscriptionCreateView(PanelsServiceCreateView):
    panels = [FieldPanel("user"), FieldPanel("family")]
    base_form_class = SubscriptionForm

    def create(self, data):
        subscription, _ = dossier_services.subscription_create(
            user=data["user"], family=data["family"], by=self.request.user
        )
        return subscription


def _count(model):
    rows = model.objects.filter(family=OuterRef("pk")).order_by().values("family").annotate(total=Count("pk"))
    return Coalesce(Subquery(rows.values("total")), 0)


def _members_link(owner, admin_name, count, lookup="family"):
    """A count that opens the list of guardians (or children, vaccines...) filtered on this family (or child)."""
    url = reverse(f"espace_famille_{admin_name}_modeladmin_index")
    return format_html('<a href="{}?{}={}">{}</a>', url, lookup, owner.pk, count)


class FamilyForm(WagtailAdminModelForm):
    iban = IbanField(label="IBAN", required=False)
    bic = BicField(label="BIC", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        admin_iban.iban_field(self)

    def clean_iban(self):
        return admin_iban.kept_iban(self)


class FamilyInspectView(DisplayInspectView):
    """The family's screen: its IBAN masked, with «Afficher l'IBAN» for whoever may read it in full."""

    def get_field_display_value(self, field_name, field=None):
        if field_name == "iban":
            return admin_iban.masked(self.instance, self.request.user)
        return super().get_field_display_value(field_name, field)


class FileRecordAdmin(DisplayAdminMixin, FamilyColumnMixin, admin_services.RecordAdminMixin, ModelAdmin):
    """A record of the family files whose create, edit and delete screens write through dossier.services (the form
    only validates; the service checks the permission and writes the audit entry)."""

    def create_instance(self, *, form, by):
        return dossier_services.file_record_save(
            model=self.model, instance=None, values=admin_services.model_values(form), by=by
        )

    def edit_instance(self, *, instance, form, by):
        return dossier_services.file_record_save(
            model=self.model, instance=instance, values=admin_services.model_values(form), by=by
        )

    def delete_instance(self, *, instance, by):
        dossier_services.file_record_delete(model=self.model, instance=instance, by=by)


class FamilyAdmin(ListingExportAdminMixin, FileRecordAdmin):
    model = Family
    listing_export = admin_exports.FAMILIES
    menu_label = "Familles"
    menu_icon = "group"
    create_view_class = FamilyCreateView
    list_display = ("family_page", "subscriber_code", "guardians_count", "children_count", "created_at")
    search_fields = ("name", "subscriber_code")
    inspect_view_enabled = True
    inspect_view_class = FamilyInspectView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("subscriber_code", read_only=True),
            MultiFieldPanel(
                [FieldPanel("quotient"), FieldPanel("allocataire_number"), FieldPanel("dependants")],
                heading="Informations fiscales",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("address_line"),
                    FieldPanel("address_complement"),
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                ],
                heading="Adresse",
            ),
            MultiFieldPanel(
                [FieldPanel("account_holder"), FieldPanel("iban"), FieldPanel("bic")],
                heading="Coordonnées bancaires",
            ),
        ],
        base_form_class=FamilyForm,
    )

    def register_admin_url_finders(self):
        register_admin_url_finder(Family, FamilyURLFinder)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Counted per row shown (correlated subqueries), not by grouping every family before the page is cut.
            .annotate(guardians_total=_count(Guardian), children_total=_count(Child))
        )

    @display(description="nom de la famille", ordering="name")
    def family_page(self, family):
        return family_link(family)

    @display(description="responsables", ordering="guardians_total")
    def guardians_count(self, family):
        return _members_link(family, "guardian", family.guardians_total)

    @display(description="enfants", ordering="children_total")
    def children_count(self, family):
        return _members_link(family, "child", family.children_total)


class GuardianAdmin(ListingExportAdminMixin, FileRecordAdmin):
    """Filtered on one family by ?family=<id>, the link of the family list.

    Photos are not edited here: they change through the family space, checked and re-encoded."""

    model = Guardian
    listing_export = admin_exports.GUARDIANS
    menu_label = "Responsables"
    menu_icon = "user"
    list_display = ("last_name", "first_name", "family_column", "quality", "email", "phone", "mobile")
    list_filter = ("civility", "quality")
    search_fields = ("last_name", "first_name", "email", "family__name", "family__subscriber_code")
    panels = [
        FieldPanel("family"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("civility"), FieldPanel("quality")]),
                FieldRowPanel([FieldPanel("last_name"), FieldPanel("first_name")]),
                FieldPanel("family_situation"),
                FieldPanel("position"),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [
                FieldPanel("email"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("mobile")]),
                FieldPanel("accepts_email"),
                FieldPanel("accepts_sms"),
            ],
            heading="Coordonnées",
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


class HealthReadEditView(admin_services.ServiceEditView):
    """Opening a child, or a vaccine, shows health data: the read goes to the audit log."""

    def get(self, request, *args, **kwargs):
        child = self.instance if isinstance(self.instance, Child) else self.instance.child
        audit.health_data_read(children=[child], by=request.user, screen=f"Fiche {self.opts.verbose_name}")
        return super().get(request, *args, **kwargs)


class VaccinationIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.health_data_read(
            children=[vaccination.child for vaccination in context["object_list"]],
            by=self.request.user,
            screen="Liste des vaccins",
        )
        return context


class ChildAdmin(ListingExportAdminMixin, FileRecordAdmin):
    """Filtered on one family by ?family=<id>, the link of the family list; vaccines and contacts open from it."""

    model = Child
    listing_export = admin_exports.CHILDREN
    edit_view_class = HealthReadEditView
    menu_label = "Enfants"
    menu_icon = "user"
    list_display = ("last_name", "first_name", "birth_date", "family_column", "vaccinations_count", "contacts_count")
    list_filter = ("sex",)
    search_fields = ("last_name", "first_name", "family__name", "family__subscriber_code")
    panels = [
        FieldPanel("family"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("last_name"), FieldPanel("first_name")]),
                FieldRowPanel([FieldPanel("birth_date"), FieldPanel("sex")]),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("insurance_company"), FieldPanel("insurance_number")])],
            heading="Assurance",
        ),
        MultiFieldPanel(
            [
                FieldPanel("glasses"),
                FieldPanel("dental_appliance"),
                FieldPanel("hearing_aid"),
                FieldPanel("diet"),
                FieldPanel("allergies"),
            ],
            heading="Santé",
        ),
        MultiFieldPanel(
            [
                FieldPanel("allows_sport"),
                FieldPanel("allows_photo"),
                FieldPanel("allows_leave_alone"),
                FieldPanel("allows_outings"),
                FieldPanel("allows_hospitalisation"),
            ],
            heading="Autorisations",
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("family")
            .annotate(
                vaccinations_total=Count("vaccinations", distinct=True),
                contacts_total=Count("contacts", distinct=True),
            )
        )

    @display(description="vaccins", ordering="vaccinations_total")
    def vaccinations_count(self, child):
        return _members_link(child, "vaccination", child.vaccinations_total, lookup="child")

    @display(description="adultes habilités", ordering="contacts_total")
    def contacts_count(self, child):
        return _members_link(child, "authorizedcontact", child.contacts_total, lookup="child")


class VaccinationAdmin(FileRecordAdmin):
    """A child's vaccines, filtered on one child by ?child=<id>, the link of the children list."""

    model = Vaccination
    edit_view_class = HealthReadEditView
    index_view_class = VaccinationIndexView
    menu_label = "Vaccins"
    menu_icon = "clipboard-list"
    list_display = ("name", "date", "booster_date", "child")
    search_fields = ("name", "child__last_name", "child__first_name", "child__family__name")
    panels = [FieldPanel("child"), FieldPanel("name"), FieldRowPanel([FieldPanel("date"), FieldPanel("booster_date")])]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child")


class AuthorizedContactAdmin(FileRecordAdmin):
    """Adults allowed to pick a child up, filtered on one child by ?child=<id>, the link of the children list."""

    model = AuthorizedContact
    menu_label = "Adultes habilités"
    menu_icon = "group"
    list_display = ("full_name", "relationship", "mobile", "phone", "emergency_call", "can_pick_up", "child")
    list_filter = ("relationship", "can_pick_up")
    search_fields = ("full_name", "child__last_name", "child__first_name", "child__family__name")
    panels = [
        FieldPanel("child"),
        FieldPanel("full_name"),
        FieldPanel("relationship"),
        FieldRowPanel([FieldPanel("mobile"), FieldPanel("phone")]),
        FieldPanel("emergency_call"),
        FieldPanel("can_pick_up"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child")


class SubscriptionPermissionHelper(PermissionHelper):
    """A subscription is a fact (who linked which account, how): it is created or deleted, never edited."""

    def user_can_edit_obj(self, user, obj):
        return False


class SubscriptionAdmin(
    RecordLinkAdminMixin, DisplayAdminMixin, FamilyColumnMixin, admin_services.RecordAdminMixin, ModelAdmin
):
    """Never edited: the site's history links a subscription to its detail screen."""

    model = Subscription
    menu_label = "Abonnements"
    menu_icon = "link"
    create_view_class = SubscriptionCreateView
    permission_helper_class = SubscriptionPermissionHelper
    list_display = ("user_email", "family_column", "method", "created_at")
    list_filter = ("method",)
    search_fields = ("user__email", "family__name", "family__subscriber_code")
    inspect_view_enabled = True
    inspect_view_fields = ("user", "family", "method", "created_at")

    def delete_instance(self, *, instance, by):
        dossier_services.subscription_delete(subscription=instance, by=by)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "family")

    @display(description="compte", ordering="user__email")
    def user_email(self, subscription):
        return subscription.user.email


class FamilyGroup(ModelAdminGroup):
    menu_label = "Familles"
    menu_icon = "group"
    menu_order = 200
    items = (FamilyAdmin, GuardianAdmin, ChildAdmin, VaccinationAdmin, AuthorizedContactAdmin, SubscriptionAdmin)
