"""URLs of the creche application."""

from django.urls import path

from espace_famille.creche import views

app_name = "creche"

urlpatterns = [
    path("pre-inscription-creche/", views.step, {"number": 1}, name="start"),
    path("pre-inscription-creche/etape/<int:number>/", views.step, name="step"),
    path("pre-inscription-creche/verifier/", views.review, name="review"),
    path("pre-inscription-creche/envoyer/", views.submit, name="submit"),
]
