"""Admin registration of the family files (instructors) and of the audit actions of the family space."""

from django.contrib.admin import display
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView

from . import services
from .models import Child, Family, Guardian, Subscription, SubscriptionMethod


@hooks.register("register_log_actions")
def register_family_log_actions(actions):
    actions.register_action("portail.subscription.create", "Abonnement créé", "Abonnement créé")


class ServiceCreateView(CreateView):
    """A create form whose save goes through a service (code drawn, audit entry written) instead of form.save()."""

    panels: list = []
    base_form_class = None

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)

    def create(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        self.instance = self.create(form.cleaned_data)
        messages.success(
            self.request,
            self.get_success_message(self.instance),
            buttons=self.get_success_message_buttons(self.instance),
        )
        return redirect(self.get_success_url())


class FamilyCreateView(ServiceCreateView):
    # The subscriber code is a secret nobody types: the service draws it.
    panels = [FieldPanel("name")]

    def create(self, data):
        return services.family_create(name=data["name"], by=self.request.user)

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


class SubscriptionCreateView(ServiceCreateView):
    panels = [FieldPanel("user"), FieldPanel("family")]
    base_form_class = SubscriptionForm

    def create(self, data):
        subscription, _ = services.subscription_create(
            user=data["user"], family=data["family"], method=SubscriptionMethod.STAFF, by=self.request.user
        )
        return subscription


def _members_link(family, admin_name, count):
    """A count that opens the list of guardians (or children) filtered on this family."""
    url = reverse(f"espace_famille_{admin_name}_modeladmin_index")
    return format_html('<a href="{}?family={}">{}</a>', url, family.pk, count)


class FamilyAdmin(ModelAdmin):
    model = Family
    menu_label = "Familles"
    menu_icon = "group"
    create_view_class = FamilyCreateView
    list_display = ("name", "subscriber_code", "guardians_count", "children_count", "created_at")
    search_fields = ("name", "subscriber_code")
    inspect_view_enabled = True
    panels = [FieldPanel("name"), FieldPanel("subscriber_code", read_only=True)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                guardians_total=Count("guardians", distinct=True),
                children_total=Count("children", distinct=True),
            )
        )

    @display(description="responsables", ordering="guardians_total")
    def guardians_count(self, family):
        return _members_link(family, "guardian", family.guardians_total)

    @display(description="enfants", ordering="children_total")
    def children_count(self, family):
        return _members_link(family, "child", family.children_total)


class GuardianAdmin(ModelAdmin):
    """Filtered on one family by ?family=<id>, the link of the family list."""

    model = Guardian
    menu_label = "Responsables"
    menu_icon = "user"
    list_display = ("last_name", "first_name", "family", "email", "phone")
    list_filter = ("civility",)
    search_fields = ("last_name", "first_name", "email", "family__name", "family__subscriber_code")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


class ChildAdmin(ModelAdmin):
    """Filtered on one family by ?family=<id>, the link of the family list."""

    model = Child
    menu_label = "Enfants"
    menu_icon = "user"
    list_display = ("last_name", "first_name", "birth_date", "family")
    list_filter = ("sex",)
    search_fields = ("last_name", "first_name", "family__name", "family__subscriber_code")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


class SubscriptionPermissionHelper(PermissionHelper):
    """A subscription is a fact (who linked which account, how): it is created or deleted, never edited."""

    def user_can_edit_obj(self, user, obj):
        return False


class SubscriptionAdmin(ModelAdmin):
    model = Subscription
    menu_label = "Abonnements"
    menu_icon = "link"
    create_view_class = SubscriptionCreateView
    permission_helper_class = SubscriptionPermissionHelper
    list_display = ("user_email", "family", "method", "created_at")
    list_filter = ("method",)
    search_fields = ("user__email", "family__name", "family__subscriber_code")
    inspect_view_enabled = True
    inspect_view_fields = ("user", "family", "method", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "family")

    @display(description="compte", ordering="user__email")
    def user_email(self, subscription):
        return subscription.user.email


@modeladmin_register
class FamilyGroup(ModelAdminGroup):
    menu_label = "Familles"
    menu_icon = "group"
    menu_order = 200
    items = (FamilyAdmin, GuardianAdmin, ChildAdmin, SubscriptionAdmin)
