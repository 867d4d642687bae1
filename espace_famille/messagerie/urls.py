"""URLs of «Mes messages» (/mon-espace/messages/)."""

from django.urls import path

from espace_famille.messagerie import views

app_name = "messagerie"

urlpatterns = [
    path("mon-espace/messages/", views.message_list, name="list"),
    path("mon-espace/messages/<int:pk>/", views.message_detail, name="detail"),
]
