"""How the admin writes a value for staff, on every listing and every detail screen: «Oui» / «Non», «—» for an
empty value, an amount as «1 234,50 €» (commun.formats), never Python's «True», «None» or «500.00».

One helper, `display`, used by: the wagtail-modeladmin listings and detail screens (`DisplayAdminMixin`, which
every ModelAdmin of the portal mixes in), Wagtail's own detail screens (display classes registered by
`register_display_classes`) and Wagtail's table cells (the `admin_display` filter, in the templates of
cms/templates/wagtailadmin/)."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import conditional_escape
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.fields import register_display_class
from wagtail_modeladmin.views import InspectView

from commun import formats
from commun.fields import MoneyField

EMPTY = "—"
YES, NO = "Oui", "Non"


def display(value, field: models.Field | None = None):
    """The text a person reads for `value` (of model field `field` when known); any other value is left as is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(field, MoneyField):
        return formats.money(value)
    return value


def _shown_by_display(field) -> bool:
    return isinstance(field, models.BooleanField | MoneyField)


class DisplayColumn:
    """A listing column of a model field, written by `display`. Its name (its CSS class) is the field's."""

    def __init__(self, field: models.Field):
        self.field = field
        self.__name__ = field.name
        self.short_description = field.verbose_name
        self.admin_order_field = field.name

    def __call__(self, instance):
        return display(getattr(instance, self.field.name), self.field)

    def __str__(self):
        return self.field.name


class DisplayInspectView(InspectView):
    """wagtail-modeladmin's detail screen, its yes/no and amounts written by `display`."""

    def get_field_display_value(self, field_name, field=None):
        if _shown_by_display(field):
            return display(getattr(self.instance, field_name), field)
        return super().get_field_display_value(field_name, field)


class DisplayAdminMixin:
    """For a wagtail-modeladmin ModelAdmin: its listing and its detail screen write values by `display`."""

    empty_value_display = EMPTY
    inspect_view_class = DisplayInspectView

    def get_list_display(self, request):
        return [self._display_column(name) for name in super().get_list_display(request)]

    def _display_column(self, name):
        try:
            field = self.model._meta.get_field(name) if isinstance(name, str) else None
        except FieldDoesNotExist:
            field = None
        if not _shown_by_display(field):
            return name
        # The same object each time: the listing compares it with the column that carries the buttons.
        columns = self.__dict__.setdefault("_display_columns", {})
        return columns.setdefault(name, DisplayColumn(field))


class _ValueDisplay(Component):
    field: models.Field | None = None

    def __init__(self, value):
        self.value = value

    def render_html(self, parent_context=None):
        return conditional_escape(display(self.value, self.field))


class _MoneyDisplay(_ValueDisplay):
    field = MoneyField()


def register_display_classes() -> None:
    """Wagtail's detail screens (snippets) write yes/no and amounts by `display` (called from commun's ready())."""
    register_display_class(models.BooleanField, display_class=_ValueDisplay)
    register_display_class(MoneyField, display_class=_MoneyDisplay)
