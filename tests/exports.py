"""Reading the admin listings' exports as a person opening them would: the CSV's rows, the XLSX's cells."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export (semicolons, UTF-8 with its byte order mark)."""
    assert response.status_code == 200, response.status_code
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with the byte order mark Excel needs"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_sheet(response):
    """The first sheet of an XLSX export, opened with openpyxl."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(content(response))).worksheets[0]


def xlsx_rows(response) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in xlsx_sheet(response).iter_rows()]


def export_queries(client, url: str, **params) -> int:
    """How many SQL queries the CSV export of the listing at `url` (with its filters `params`) makes."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {**params, "export": "csv"})
        content(response)
    assert response.status_code == 200
    return len(captured)


def assert_refused(response) -> None:
    """No file: the admin's refusal (a 403, or Wagtail's redirect to the dashboard with its message)."""
    assert "Content-Disposition" not in response
    assert response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")
