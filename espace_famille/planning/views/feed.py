"""«Calendrier sur mon téléphone»: the secret address of the family's iCalendar feed, its renewal, the feed."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent

from commun.clock import PARIS
from commun.downloads import content_disposition
from espace_famille.planning import selectors as planning_selectors
from espace_famille.planning.calendar_feed import calendar_token_renew
from espace_famille.planning.models import BookingState
from espace_famille.planning.views.planning import ESPACE_FAMILLE, PLANNING, _family_or_none


@never_cache
@login_required
def calendar_page(request):
    """«Calendrier sur mon téléphone»: the secret address of the feed, and how to renew it."""
    family = _family_or_none(request)
    if family is None:
        return redirect("espace_famille:home")
    subscription = planning_selectors.subscription_for(user=request.user, family=family)
    feed_url = (
        request.build_absolute_uri(reverse("espace_famille:calendar_feed", args=[subscription.calendar_token]))
        if subscription.calendar_token
        else None
    )
    context = {
        "family": family,
        "feed_url": feed_url,
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Calendrier sur mon téléphone", None)],
    }
    return render(request, "espace_famille/planning_calendar.html", context)


@login_required
@require_POST
def calendar_renew(request):
    """A new secret address; the old one stops working at once."""
    family = _family_or_none(request)
    if family is None:
        raise Http404
    subscription = planning_selectors.subscription_for(user=request.user, family=family)
    had_token = bool(subscription.calendar_token)
    calendar_token_renew(subscription=subscription, by=request.user)
    messages.success(
        request,
        "Votre nouvelle adresse est prête. L'ancienne ne fonctionne plus : mettez à jour votre téléphone."
        if had_token
        else "L'adresse de votre calendrier est prête.",
    )
    return redirect("espace_famille:calendar")


def calendar_feed(request, token):
    """The iCalendar feed of the family's expected days. The token is the secret: it never reaches a log."""
    try:
        subscription = planning_selectors.subscription_by_token(token=token)
    except Http404:
        response = HttpResponse("Adresse inconnue ou renouvelée.", status=404, content_type="text/plain; charset=utf-8")
        response._has_been_logged = True  # Django would log the path, hence the token
        return response
    family = subscription.family
    feed = ICalendar()
    feed.add("prodid", "-//Portail Famille//Planning//FR")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"Planning — {family}")
    feed.add("x-wr-timezone", "Europe/Paris")
    labels = dict(BookingState.choices)
    stamp = timezone.now()
    bookings = planning_selectors.feed_bookings(family=family, today=timezone.localdate())
    for booking, slot in bookings:
        event = IEvent()
        event.add("uid", f"reservation-{booking.pk}@portail-famille")
        event.add("dtstamp", stamp)
        event.add("summary", f"{booking.child.first_name} — {booking.activity.name}")
        if slot is not None:
            event.add("dtstart", datetime.combine(booking.day, slot.start_time, tzinfo=PARIS))
            event.add("dtend", datetime.combine(booking.day, slot.end_time, tzinfo=PARIS))
        else:
            event.add("dtstart", booking.day)
        event.add("location", booking.activity.facility.name)
        event.add("description", labels[booking.state])
        feed.add_component(event)
    if bookings:
        # Times carry TZID=Europe/Paris: RFC 5545 wants the zone described in the feed (VTIMEZONE), from the zone
        # database, over the days the feed holds.
        days = [booking.day for booking, _ in bookings]
        feed.add_missing_timezones(first_date=min(days), last_date=max(days) + timedelta(days=1))
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = content_disposition("planning.ics", inline=True)
    response["Referrer-Policy"] = "no-referrer"
    return response
