"""A table placeholder alone in its paragraph is not wrapped in <p> (a table inside <p> is invalid HTML)."""

from django.utils.safestring import mark_safe

from notifications.rendering import Rich, _paragraphs_html


def test_a_table_alone_in_its_paragraph_stands_outside_any_p():
    table = Rich(text="Jour | Heure", html=mark_safe("<table><tr><td>lun. 19/11</td></tr></table>"))
    html = _paragraphs_html("Bonjour {{ nom }},\n\n{{ jours }}\n\nÀ bientôt", {"nom": "<b>X</b>", "jours": table})
    assert html == (
        "<p>Bonjour &lt;b&gt;X&lt;/b&gt;,</p>\n<table><tr><td>lun. 19/11</td></tr></table>\n<p>À bientôt</p>"
    )
