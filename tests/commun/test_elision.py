"""«de Paul», «d'Alice»: the site elides «de» before a vowel sound, in Python, in templates and in e-mails."""

import pytest
from django.template import Context, Template

from commun.elision import de


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Paul", "de Paul"),
        ("Alice", "d'Alice"),
        ("Hugo", "d'Hugo"),
        ("Élodie", "d'Élodie"),
        ("Émile DURANT", "d'Émile DURANT"),
        ("ÎLONA", "d'ÎLONA"),
        ("Œdipe", "d'Œdipe"),
        ("Yves", "d'Yves"),
        ("Yann", "de Yann"),
        ("Timéo", "de Timéo"),
        ("avril 2027", "d'avril 2027"),
        ("12 enfants", "de 12 enfants"),
        ("  Anna ", "d'Anna"),
        ("", ""),
        (None, ""),
    ],
)
def test_de_elides_before_a_vowel_sound(name, written):
    assert de(name) == written


def test_the_template_filter_de_nom_elides_and_escapes():
    template = Template("{% load formats %}Photo {{ a|de_nom }}, photo {{ b|de_nom }}, {{ c|de_nom }}")
    assert template.render(Context({"a": "Alice", "b": "Paul", "c": "Hélène <b>"})) == (
        "Photo d&#x27;Alice, photo de Paul, d&#x27;Hélène &lt;b&gt;"
    )
