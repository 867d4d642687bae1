"""`{{ family|family_link }}`: a family's name opening its «Fiche famille», on every admin screen that names it."""

from django import template

from espace_famille.dossier.family_page import family_link

register = template.Library()
register.filter("family_link", family_link)
