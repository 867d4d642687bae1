"""URLs of «Pièces justificatives» (/espace-famille/pieces-justificatives/)."""

from django.urls import path

from espace_famille.justificatifs import views

app_name = "justificatifs"

urlpatterns = [
    path("espace-famille/pieces-justificatives/", views.document_list, name="list"),
    path("espace-famille/pieces-justificatives/<int:type_pk>/ajouter/", views.document_upload, name="upload"),
    path("espace-famille/pieces-justificatives/fichier/<int:pk>/", views.document_file, name="file"),
]
