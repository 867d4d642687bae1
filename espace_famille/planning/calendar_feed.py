"""The secret address of a subscription's calendar feed: created and renewed here, audited without the secret."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log

from espace_famille.dossier.models import Subscription


def calendar_token_renew(*, subscription: Subscription, by: AbstractUser) -> Subscription:
    """A new secret for the feed; the old address stops working at once. Only the subscription's own account
    renews it: the address is that parent's."""
    if by is None or subscription.user_id != by.pk:
        raise PermissionDenied("Cette adresse de calendrier n'est pas la vôtre.")
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.calendar_token = secrets.token_urlsafe(32)
        subscription.save(update_fields=["calendar_token"])
        log(instance=subscription, action="wagtail.edit", user=by, data={"calendar_token": "renouvelé"})
    return subscription
