"""URLs of «Mon espace citoyen» (/mon-espace/) and «Espace famille» (/espace-famille/)."""

from django.urls import path

from espace_famille.comptes.views import account, data
from espace_famille.demandes import views as requests
from espace_famille.modifications import views as family
from espace_famille.planning.views import basket, feed, planning

app_name = "espace_famille"

urlpatterns = [
    path("mon-espace/", account.mon_espace, name="mon_espace"),
    path("mon-espace/profil/", account.profile, name="profile"),
    path("mon-espace/abonnements/", account.subscription_list, name="subscriptions"),
    path("mon-espace/abonnements/ajouter/", account.subscription_add, name="subscription_add"),
    path("mon-espace/demandes/", requests.request_list, name="requests"),
    path("mon-espace/demandes/<int:pk>/", requests.request_detail, name="request_detail"),
    path("mon-espace/demandes/<int:pk>/retirer/", requests.request_withdraw, name="request_withdraw"),
    path("mon-espace/mes-donnees/", data.my_data, name="my_data"),
    path("mon-espace/mes-donnees/<int:family_pk>/dossier.pdf", data.my_data_pdf, name="my_data_pdf"),
    path("mon-espace/mes-donnees/<int:family_pk>/dossier.json", data.my_data_json, name="my_data_json"),
    path("espace-famille/", account.home, name="home"),
    path("espace-famille/choisir/", account.family_choose, name="family_choose"),
    path("espace-famille/ma-famille/", family.family_file, name="family_file"),
    path("espace-famille/ma-famille/responsables/<int:pk>/", family.guardian_edit, name="guardian_edit"),
    path("espace-famille/ma-famille/enfants/ajouter/", family.child_add, name="child_add"),
    path("espace-famille/ma-famille/enfants/<int:pk>/", family.child_edit, name="child_edit"),
    path("espace-famille/ma-famille/<str:person>/<int:pk>/photo/", family.photo_edit, name="photo_edit"),
    path("espace-famille/ma-famille/<str:person>/<int:pk>/photo.jpg", family.photo_serve, name="photo"),
    path("espace-famille/planning/", planning.planning, name="planning"),
    path("espace-famille/planning/confirmer/", planning.planning_confirm, name="planning_confirm"),
    path("espace-famille/planning/demande/<str:kind>/", planning.planning_long, name="planning_long"),
    path("espace-famille/planning/liste/", planning.planning_list, name="planning_list"),
    path("espace-famille/planning/panier/", basket.planning_basket, name="planning_basket"),
    path("espace-famille/planning/panier/resultat/", basket.planning_basket_result, name="planning_basket_result"),
    path("espace-famille/planning/calendrier/", feed.calendar_page, name="calendar"),
    path("espace-famille/planning/calendrier/renouveler/", feed.calendar_renew, name="calendar_renew"),
    path("espace-famille/planning/calendrier/<str:token>.ics", feed.calendar_feed, name="calendar_feed"),
]
