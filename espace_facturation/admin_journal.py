"""Régisseurs' screens of the régie's accounts in the Wagtail admin: «Journal comptable» (a régie, a month or two
dates) and «État des restes à recouvrer» (a régie, a day), each exported to CSV and XLSX through the listings'
exports (commun.listing_exports). Reads only: nothing here writes."""

import re
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets import AdminDateInput

from commun import formats
from commun.listing_exports import ListingExportMixin
from commun.parsing import EARLIEST, LATEST

from . import journal, rules
from .admin_exports import ARREARS, JOURNAL
from .admin_views import Permission
from .models import Regie
from .permissions import VIEW_ACCOUNTING

PER_PAGE = 200
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")


def _in_calendar(day: date | None) -> date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            f"Choisissez une date entre le {formats.date_numeric(EARLIEST)} et le {formats.date_numeric(LATEST)}."
        )
    return day


class _RegieFilters(forms.Form):
    regie = forms.TypedChoiceField(
        label="Régie",
        coerce=int,
        error_messages={"required": "Choisissez une régie.", "invalid_choice": "Choisissez une régie."},
    )

    def __init__(self, data, *, regies: list[Regie]):
        super().__init__(data)
        self.regies = {regie.pk: regie for regie in regies}
        self.fields["regie"].choices = [("", "Choisissez une régie"), *[(r.pk, r.name) for r in regies]]

    def clean_regie(self) -> Regie:
        return self.regies[self.cleaned_data["regie"]]


class JournalFilters(_RegieFilters):
    """A régie, and a month («2026-12» or «12/2026») or two dates, the days included."""

    month = forms.CharField(
        label="Mois",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="Par exemple 2026-12. Ou bien les dates ci-dessous.",
    )
    start = forms.DateField(label="Du", required=False, widget=AdminDateInput)
    end = forms.DateField(label="Au", required=False, widget=AdminDateInput)

    def clean_month(self) -> date | None:
        raw = self.cleaned_data["month"].strip()
        if not raw:
            return None
        found = MONTH.match(raw) if len(raw) <= 7 else None
        if not found:
            raise forms.ValidationError("Saisissez un mois sous la forme 2026-12.")
        year, month = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
        if not 1 <= int(month) <= 12:
            raise forms.ValidationError("Saisissez un mois sous la forme 2026-12.")
        return _in_calendar(date(int(year), int(month), 1))

    def clean_start(self):
        return _in_calendar(self.cleaned_data["start"])

    def clean_end(self):
        return _in_calendar(self.cleaned_data["end"])

    def clean(self):
        data = super().clean()
        month, start, end = data.get("month"), data.get("start"), data.get("end")
        if self.errors:
            return data
        if month:
            data["start"], data["end"] = rules.month_bounds(month)
        elif start and end:
            if end < start:
                self.add_error("end", "La date de fin précède la date de début.")
        elif start or end:
            self.add_error("end" if start else "start", "Indiquez les deux dates de la période, ou un mois.")
        else:
            self.add_error("month", "Indiquez un mois, ou les deux dates de la période.")
        return data


class ArrearsFilters(_RegieFilters):
    at = forms.DateField(label="Au", widget=AdminDateInput, error_messages={"required": "Indiquez la date."})

    def clean_at(self):
        return _in_calendar(self.cleaned_data["at"])


class AccountsView(Permission, ListingExportMixin, SpreadsheetExportMixin, TemplateView):
    """A screen of the régie's accounts: its filters read from the address (the régie, the period), its rows shown
    a page at a time and exported whole. Filters that do not hold are said beside their field (400)."""

    permission = VIEW_ACCOUNTING
    filters_class: type[_RegieFilters]
    page_title = ""

    def defaults(self, regies: list[Regie]) -> dict:
        raise NotImplementedError

    def rows(self, filters) -> list:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        regies = list(Regie.objects.order_by("name"))
        data = request.GET.copy()
        for key, value in self.defaults(regies).items():
            data.setdefault(key, value)
        self.filters = self.filters_class(data, regies=regies)
        if not self.filters.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        rows = self.rows(self.filters.cleaned_data)
        if self.is_export:
            return self.as_spreadsheet(rows, request.GET["export"])
        return self.render_to_response(self.get_context_data(rows=rows))

    def get_context_data(self, rows=None, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(rows or [], PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page_title=self.page_title,
            filters=self.filters,
            valid=rows is not None,
            page=page,
            query=query.urlencode(),
        )
        return context


def _first_regie(regies: list[Regie]) -> dict:
    return {"regie": str(regies[0].pk)} if len(regies) == 1 else {}


@method_decorator(never_cache, name="dispatch")
class JournalView(AccountsView):
    """«Journal comptable»: every invoice, credit note, payment and refund of a régie in a period, as lines of debit
    and credit on its accounts, with the totals that show it balanced."""

    template_name = "espace_facturation/admin/journal.html"
    filters_class = JournalFilters
    listing_export = JOURNAL
    page_title = "Journal comptable"

    def defaults(self, regies):
        if {"month", "start", "end"} & set(self.request.GET):
            return _first_regie(regies)
        return {**_first_regie(regies), "month": f"{timezone.localdate():%Y-%m}"}

    def rows(self, filters):
        self.journal = journal.journal(regie=filters["regie"], start=filters["start"], end=filters["end"])
        return self.journal.entries

    def get_context_data(self, rows=None, **kwargs):
        context = super().get_context_data(rows=rows, **kwargs)
        context["journal"] = getattr(self, "journal", None)
        return context


@method_decorator(never_cache, name="dispatch")
class ArrearsView(AccountsView):
    """«État des restes à recouvrer»: a régie's invoices past their due date and not settled at a day, with their
    total, to hand to the public treasury."""

    template_name = "espace_facturation/admin/arrears.html"
    filters_class = ArrearsFilters
    listing_export = ARREARS
    page_title = "État des restes à recouvrer"

    def defaults(self, regies):
        return {**_first_regie(regies), "at": f"{timezone.localdate():%Y-%m-%d}"}

    def rows(self, filters):
        return journal.arrears(regie=filters["regie"], at=filters["at"])

    def get_context_data(self, rows=None, **kwargs):
        context = super().get_context_data(rows=rows, **kwargs)
        rows = rows or []
        context.update(
            total_amount=sum((row.amount for row in rows), rules.money(0)),
            total_paid=sum((row.paid for row in rows), rules.money(0)),
            total_remaining=sum((row.remaining for row in rows), rules.money(0)),
        )
        return context


def admin_urls() -> list:
    return [
        path("facturation/journal/", JournalView.as_view(), name="espace_facturation_journal"),
        path("facturation/restes-a-recouvrer/", ArrearsView.as_view(), name="espace_facturation_arrears"),
    ]
