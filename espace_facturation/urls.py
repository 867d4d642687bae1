"""URLs of «Espace facturation» (/espace-facturation/)."""

from django.urls import path

from . import documents_views, views

app_name = "espace_facturation"

urlpatterns = [
    path("espace-facturation/", views.home, name="home"),
    path("espace-facturation/factures/", views.invoice_list, name="invoices"),
    path("espace-facturation/factures/payer/", views.invoices_pay, name="invoices_pay"),
    path("espace-facturation/factures/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("espace-facturation/factures/<int:pk>/facture.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("espace-facturation/factures/<int:pk>/payer/", views.invoice_pay, name="invoice_pay"),
    path("espace-facturation/mandats/<int:pk>/mandat.pdf", views.mandate_pdf, name="mandate_pdf"),
    path("espace-facturation/operations/", views.operations, name="operations"),
    path("espace-facturation/reglements/", views.payment_list, name="payments"),
    path("espace-facturation/reglements/<int:pk>/recu.pdf", documents_views.payment_receipt, name="payment_receipt"),
    path("espace-facturation/attestations/", documents_views.certificates, name="certificates"),
    path(
        "espace-facturation/attestations/<int:pk>/attestation.pdf",
        documents_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("espace-facturation/paiement/<str:order_id>/", views.payment_return, name="payment_return"),
    path("espace-facturation/paiement/<str:order_id>/simulateur/", views.simulator, name="simulator"),
    path("espace-facturation/payfip/notification/", views.payfip_notify, name="payfip_notify"),
]
