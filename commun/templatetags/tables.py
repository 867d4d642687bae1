"""Filters of the tables parents read: each cell beside its column's name, which a phone shows as the cell's label."""

from django import template

register = template.Library()


@register.filter
def with_headers(row, headers) -> list[tuple[str, object]]:
    """The (column name, cell) pairs of a row; a cell past the last name gets an empty one."""
    names = list(headers or [])
    return [(names[index] if index < len(names) else "", cell) for index, cell in enumerate(row)]
