"""On a phone a table's rows are drawn as cards, each cell led by its column's name: the cells carry that name."""

from django.template.loader import render_to_string

from commun.templatetags.tables import with_headers


def test_each_cell_of_a_shown_table_carries_its_column_name():
    html = render_to_string(
        "espace_famille/includes/shown.html",
        {"shown": {"rows": [["Marie DURANT", "06 12 34 56 78"]]}, "headers": ["Nom", "Portable"]},
    )
    assert '<td data-label="Nom">Marie DURANT</td><td data-label="Portable">06 12 34 56 78</td>' in html


def test_a_cell_past_the_last_column_name_gets_an_empty_one():
    assert with_headers(["a", "b"], ["Nom"]) == [("Nom", "a"), ("", "b")]
    assert with_headers(["a"], None) == [("", "a")]
