"""URLs of «Mon espace citoyen» (/mon-espace/) and «Espace famille» (/espace-famille/)."""

from django.urls import path

from . import views

app_name = "espace_famille"

urlpatterns = [
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("mon-espace/profil/", views.profile, name="profile"),
    path("mon-espace/abonnements/", views.subscription_list, name="subscriptions"),
    path("mon-espace/abonnements/ajouter/", views.subscription_add, name="subscription_add"),
    path("espace-famille/", views.home, name="home"),
    path("espace-famille/choisir/", views.family_choose, name="family_choose"),
]
