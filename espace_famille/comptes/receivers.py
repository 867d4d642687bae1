"""Signal receivers: what happens when allauth confirms an email, and the audit entries of second factors."""

from allauth.account.signals import email_confirmed
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver
from wagtail.log_actions import log

from espace_famille.comptes import services


@receiver(email_confirmed)
def link_family_from_signup_code(sender, request, email_address, **kwargs):
    services.signup_code_apply(user=email_address.user)


@receiver(authenticator_added)
def audit_second_factor_added(sender, request, user, authenticator, **kwargs):
    log(instance=user, action="portail.mfa.add", user=user, data={"type": authenticator.type})


@receiver(authenticator_removed)
def audit_second_factor_removed(sender, request, user, authenticator, **kwargs):
    log(instance=user, action="portail.mfa.remove", user=user, data={"type": authenticator.type})
