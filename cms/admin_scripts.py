"""The Wagtail admin without inline scripts, which the content security policy forbids (script-src 'self').

Wagtail 8 still starts some widgets with an inline `<script>`: every chooser (image, page, document, snippet,
task: `BaseChooser.render`), the date and time inputs, the inline panels («Champs du formulaire») and the multiple
chooser panels. Here each of them writes instead a JSON script, which the browser never executes, naming what to
start and with which arguments; static/js/admin.js starts it from a file, also for forms added to the page later.
A JSON script is data, not code: nothing a page says can make admin.js call anything but the starters it lists.
"""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

# What admin.js knows how to start: the globals Wagtail's own scripts define. Keep the two lists the same.
STARTERS = (
    "Chooser",
    "PageChooser",
    "ImageChooser",
    "DocumentChooser",
    "SnippetChooser",
    "createTaskChooser",
    "initDateChooser",
    "initTimeChooser",
    "initDateTimeChooser",
    "InlinePanel",
    "MultipleChooserPanel",
)

# The characters that could end the script element or open a comment in it, as json_script escapes them.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def start_script(starter: str, *arguments) -> SafeString:
    """The JSON script that has admin.js call `starter(*arguments)` (or `new starter(...)` for a class)."""
    if starter not in STARTERS:
        raise ValueError(f"admin.js does not start {starter!r}.")
    payload = json.dumps(list(arguments)).translate(_JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/json" data-portail-start="{}">{}</script>', starter, mark_safe(payload)
    )


def _chooser_start(widget: BaseChooser, id_: str, name: str, value_data) -> tuple[str, list] | None:
    """What Wagtail's inline script would call, for the choosers whose script is known; None for another one."""
    if isinstance(widget, AdminTaskChooser):
        return "createTaskChooser", [id_]
    if type(widget).render_js_init is BaseChooser.render_js_init and widget.js_constructor in STARTERS:
        return widget.js_constructor, [id_, widget.get_js_init_options(id_, name, value_data)]
    return None


_wagtail_render = BaseChooser.render


def chooser_render(self, name, value, attrs=None, renderer=None):
    """BaseChooser.render, its inline script replaced by a start script. A chooser this module does not know keeps
    Wagtail's inline script: the browser journeys then report the policy's violation, instead of a silent chooser."""
    id_ = (attrs or {}).get("id")
    if id_ is None:
        return _wagtail_render(self, name, value, attrs, renderer)
    value_data = self.get_value_data(value)
    start = _chooser_start(self, id_, name, value_data)
    if start is None:
        return _wagtail_render(self, name, value, attrs, renderer)
    starter, arguments = start
    return format_html("{}{}", self.render_html(name, value_data, attrs), start_script(starter, *arguments))


def install() -> None:
    """Called once from the cms app's ready()."""
    BaseChooser.render = chooser_render
