"""Admin registration of régies and invoices (régisseurs)."""

from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from .models import Invoice, Regie


class RegieAdmin(ModelAdmin):
    model = Regie
    menu_label = "Régies"
    menu_icon = "site"
    list_display = ("name", "service_name")
    search_fields = ("name", "service_name")


class InvoiceAdmin(ModelAdmin):
    model = Invoice
    menu_label = "Factures"
    menu_icon = "doc-full"
    list_display = ("number", "family", "regie", "issued_on", "due_on", "amount")
    list_filter = ("regie",)
    search_fields = ("number", "family__name", "emission_code")
    # Instructors only view invoices: the inspect page is what they open.
    inspect_view_enabled = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")


@modeladmin_register
class BillingGroup(ModelAdminGroup):
    menu_label = "Facturation"
    menu_icon = "doc-full"
    menu_order = 210
    items = (RegieAdmin, InvoiceAdmin)


# Counter payments (régisseurs) live beside the payments they record.
from . import payment_admin  # noqa: E402, F401
