"""{% form_errors form formset ... %}: the banner at the top of a page's form, for every form and table of rows it
holds. Errors that belong to no field are written in it; errors beside fields (of a form or of a row of a formset)
are announced by «Le formulaire contient des erreurs : corrigez les champs signalés.»"""

from django import forms, template

register = template.Library()


def _parts(items):
    """Forms and formsets, from the arguments: a form, a formset, or a list or dict of them."""
    for item in items:
        if isinstance(item, dict):
            yield from _parts(item.values())
        elif isinstance(item, list | tuple):
            yield from _parts(item)
        elif item is not None and item != "":
            yield item


@register.inclusion_tag("includes/form_errors.html")
def form_errors(*items) -> dict:
    errors, invalid = [], False
    for part in _parts(items):
        if isinstance(part, forms.BaseFormSet):
            # Its own errors are written beside its table (includes/rows_formset.html).
            invalid |= part.is_bound and (bool(part.non_form_errors()) or any(row.errors for row in part.forms))
        else:
            errors += part.non_field_errors()
            invalid |= bool(part.errors)
    return {"errors": errors, "invalid": invalid}
