"""Signal receivers: what happens when allauth confirms an email."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def link_family_from_signup_code(sender, request, email_address, **kwargs):
    services.signup_code_apply(user=email_address.user)
