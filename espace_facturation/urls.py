"""URLs of «Espace facturation» (/espace-facturation/)."""

from django.urls import path

from . import views

app_name = "espace_facturation"

urlpatterns = [
    path("espace-facturation/", views.home, name="home"),
]
