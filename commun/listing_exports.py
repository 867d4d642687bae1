"""The registry of the admin listings' exports (CSV and XLSX), which apps fill: for each listing, the columns a person
reads (a French heading and how to read it from a row). The listing's view mixes in ListingExportMixin, which hands
them to Wagtail's own listing export (`SpreadsheetExportMixin`, shared by wagtail-modeladmin's IndexView and the
generic IndexView of snippets), so the export holds exactly the rows the listing's filters and search keep.

Values stay typed: in XLSX a day is a date, an amount a number; in CSV (semicolons, as French spreadsheets read
them) a day is «03/12/2026» and an amount «12,50». Only staff holding the listing's view permission export, and each
export is written to the audit log (who, which listing, how many rows).

Not to be confused with the personal-data registry (commun.personal_data), whose sections make a family's own
export of its data («Télécharger mes données»)."""

import csv
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import LazyObject
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView

from . import audit, formats

EXPORT_ACTION = "portail.listing.export"
CSV_DELIMITER = ";"
# Excel opens a CSV file as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"
# A cell a spreadsheet would run as a formula (CSV injection): what a family typed is shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MONEY_FORMAT = '#,##0.00\\ "€"'


@dataclass(frozen=True)
class Column:
    """A column of an export: its French heading, and how to read it from a row — a dotted path of attributes
    («family.name», «get_state_display») or a function of the row. A path that meets None gives an empty cell."""

    heading: str
    value: str | Callable[[Any], Any]
    money: bool = False

    def read(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for name in self.value.split("."):
            current = getattr(current, name, None)
            if current is None:
                return None
            if callable(current):  # get_state_display: a choice by its label
                current = current()
        return current


@dataclass(frozen=True)
class ListingExport:
    """What one admin listing exports. `name` names the file («familles-2026-12-03.csv») and the audit entry,
    `title` is read in the audit log and names the XLSX sheet."""

    name: str
    title: str
    model: type[Model]
    columns: tuple[Column, ...]

    @property
    def view_permission(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.view_{opts.model_name}"

    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def may_export(self, user) -> bool:
        return bool(user and user.is_active and user.has_perm(self.view_permission))

    def filename(self) -> str:
        return f"{self.name}-{timezone.localdate():%Y-%m-%d}"


_registry: dict[str, ListingExport] = {}


def register(export: ListingExport) -> ListingExport:
    """Add a listing's export to the registry (an app does it beside its listing); returns it."""
    if export.name in _registry and _registry[export.name] != export:
        raise ImproperlyConfigured(f"Two listing exports are named {export.name!r}.")
    headings = export.headings()
    if len(set(headings)) != len(headings):
        raise ImproperlyConfigured(f"The export {export.name!r} has two columns of the same heading.")
    _registry[export.name] = export
    return export


def registered() -> list[ListingExport]:
    return list(_registry.values())


def get(name: str) -> ListingExport:
    return _registry[name]


# Values ---------------------------------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_value(value) -> str:
    """A value as the CSV file writes it: French, never «None»."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return formats.date_numeric(value)
    if isinstance(value, Decimal):
        return f"{value.quantize(formats.CENT):f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def xlsx_value(value):
    """A value as the XLSX file holds it: dates as dates (Paris time), amounts as numbers, the rest as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, date | Decimal | int):
        return value
    return str(value)


def _number_format(value, column: Column) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if column.money and isinstance(value, Decimal):
        return MONEY_FORMAT
    return None


def _sheet_title(title: str) -> str:
    # A sheet's name: at most 31 characters, none of []:*?/\ .
    return "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]


class _Echo:
    def write(self, value):
        return value


# Views ----------------------------------------------------------------------------------------------------------


class ListingExportMixin:
    """Mixed in before a Wagtail index view (wagtail-modeladmin's or the generic one) or a custom listing view
    that has Wagtail's SpreadsheetExportMixin: the view exports its `listing_export` (or its ModelAdmin's). The
    export buttons show, and the export answers, only for staff holding the listing's view permission (403
    otherwise)."""

    listing_export: ListingExport | None = None

    def get_listing_export(self) -> ListingExport:
        model_admin = getattr(self, "model_admin", None)
        export = getattr(model_admin, "listing_export", None) or self.listing_export
        if export is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no listing_export.")
        return export

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        export = self.get_listing_export()
        self.list_export = export.headings() if export.may_export(request.user) else []

    def dispatch(self, request, *args, **kwargs):
        if request.GET.get("export") in self.FORMATS and not self.get_listing_export().may_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return self.get_listing_export().filename()

    def get_heading(self, queryset, field):
        return field

    def to_row_dict(self, item):
        return OrderedDict((column.heading, column.read(item)) for column in self.get_listing_export().columns)

    def preprocess_field_value(self, field, value, export_format):
        return csv_value(value) if export_format == self.FORMAT_CSV else xlsx_value(value)

    def stream_csv(self, queryset):
        writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
        yield BOM + writer.writerow(self.list_export)
        for item in queryset:
            row = self.to_row_dict(item)
            yield writer.writerow([self.preprocess_field_value(field, row[field], self.FORMAT_CSV) for field in row])

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for column in self.get_listing_export().columns:
            value = row_dict[column.heading]
            cell = WriteOnlyCell(worksheet, self.preprocess_field_value(column.heading, value, self.FORMAT_XLSX))
            if cell.data_type == "f":
                cell.data_type = "s"
            if number_format := _number_format(value, column):
                cell.number_format = number_format
            yield cell

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        export = self.get_listing_export()
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=_sheet_title(export.title))
        for index, heading in enumerate(self.list_export, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = max(12, len(heading) + 2)
        worksheet.append(self.list_export)
        for item in queryset:
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item)))
        workbook.save(output)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """The rows read once, the export audited, then written by Wagtail in the format asked."""
        export = self.get_listing_export()
        user = self.request.user
        if not export.may_export(user):
            raise PermissionDenied
        rows = list(queryset)
        export_audit(export=export, rows=len(rows), spreadsheet_format=spreadsheet_format, request=self.request)
        return super().as_spreadsheet(rows, spreadsheet_format)


def export_audit(*, export: ListingExport, rows: int, spreadsheet_format: str, request) -> None:
    """The audit entry of an export, on the account of the person who exported: the listing, the format, how many
    rows, and the filters and search applied."""
    user = request.user
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 - evaluates the lazy object, whose model the audit entry names
        user = user._wrapped
    params = request.GET.copy()
    params.pop("export", None)
    data = {
        "listing": export.name,
        "title": export.title,
        "format": spreadsheet_format.upper(),
        "rows": rows,
        "filters": params.urlencode(),
    }
    audit.entries_write([(user, EXPORT_ACTION, data)], by=user)


def export_message(data: dict) -> str:
    """«Liste « Familles » exportée en CSV : 12 lignes», as the audit log reads an export."""
    rows = data.get("rows", 0)
    lines = "1 ligne" if rows == 1 else f"{rows} lignes"
    return f"Liste « {data.get('title', '')} » exportée en {data.get('format', '')} : {lines}"


class ExportIndexView(ListingExportMixin, ModelAdminIndexView):
    """wagtail-modeladmin's listing, exported by its ModelAdmin's `listing_export`."""


class ListingExportAdminMixin:
    """A wagtail-modeladmin ModelAdmin (mixed in before it) that exports its `listing_export`: its index view is
    ExportIndexView (or a subclass), and the export buttons show to staff who may export."""

    listing_export: ListingExport | None = None
    index_view_class = ExportIndexView

    def get_list_export(self, request):
        return self.listing_export.headings() if self.listing_export.may_export(request.user) else []

    @property
    def export_filename(self) -> str:
        return self.listing_export.filename()
