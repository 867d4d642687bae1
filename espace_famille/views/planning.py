"""«Planning»: the month and week views, a day's confirmation, long-period requests, the list, the calendar feed."""

import html
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent

from commun.parsing import parse_date, parse_id
from home.templatetags.portail import MONTHS, jour_court

from .. import rules, selectors, services
from .. import selectors_planning as planning_selectors
from ..models import BookingState
from ..planning_forms import DayConfirmForm, LongPeriodForm, PlanningRequestFilter
from ..services.calendar_feed import calendar_token_renew

ESPACE_FAMILLE = ("Espace famille", "espace_famille:home")
PLANNING = ("Planning", "espace_famille:planning")
VIEWS = {"semaine": "Semaine (7 jours)", "semaine5": "Semaine (5 jours)", "mois": "Mois"}
DEFAULT_VIEW = "semaine"
MONTHS_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
PER_PAGE = 10
DATE_UNKNOWN = "La date demandée n'est pas une date du planning : voici la période en cours."
QUESTIONS = {
    "booking": "Confirmer la demande de réservation du {day} pour {child} — {activity} ?",
    "absence": "Confirmer la déclaration d'absence du {day} pour {child} — {activity} ?",
    "cancellation": "Confirmer l'annulation de la demande du {day} pour {child} — {activity} ?",
}
DONE = {
    "booking": "Votre demande de réservation du {day} pour {child} — {activity} est enregistrée.",
    "absence": "Votre déclaration d'absence du {day} pour {child} — {activity} est enregistrée.",
    "cancellation": "Votre demande du {day} pour {child} — {activity} est annulée.",
}
LONG_KINDS = {
    "reservations": ("booking", "Réservation d'activité", "3. Réservez"),
    "absences": ("absence", "Déclaration d'absence", "3. Déclarez l'absence"),
}


def _family_or_none(request):
    return selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))


def period_bounds(view: str, day: date) -> tuple[date, date]:
    """The days a view shows around `day`: its month, its week (Monday to Sunday) or Monday to Friday."""
    if view == "mois":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=4 if view == "semaine5" else 6)


def period_title(view: str, start: date, end: date) -> str:
    """«novembre 2018», «19 — 25 nov. 2018», «29 oct. — 4 nov. 2018», «31 déc. 2018 — 6 janv. 2019»."""
    if view == "mois":
        return f"{MONTHS[start.month - 1]} {start.year}"
    last = f"{end.day} {MONTHS_SHORT[end.month - 1]} {end.year}"
    if start.year != end.year:
        return f"{start.day} {MONTHS_SHORT[start.month - 1]} {start.year} — {last}"
    if start.month != end.month:
        return f"{start.day} {MONTHS_SHORT[start.month - 1]} — {last}"
    return f"{start.day} — {last}"


def _shift(view: str, start: date, step: int) -> date:
    if view == "mois":
        month = start.month - 1 + step
        return date(start.year + month // 12, month % 12 + 1, 1)
    return start + timedelta(days=7 * step)


def _weeks(grid, view: str) -> list[list]:
    """The grid's days by week; the month view pads its first and last weeks with None."""
    days = list(grid.days)
    if view == "mois":
        days = [None] * grid.start.weekday() + days + [None] * (6 - grid.end.weekday())
    width = 5 if view == "semaine5" else 7
    return [days[i : i + width] for i in range(0, len(days), width)]


ACTION_HINTS = {
    "booking": " — demander une réservation",
    "absence": " — déclarer une absence",
    "cancellation": " — annuler la demande",
}


def _entry_html(entry, *, confirm: str, view: str, hidden: bool, esc) -> str:
    """One cell of the planning. Built here with plain string formatting (every value escaped by `esc`) rather
    than in the template or with format_html: a month holds hundreds of cells, and this keeps the page within
    its render budget (≤ 50 ms median for 3 children × 4 activities, measured by `make bench`)."""
    child, activity = entry.child, entry.activity
    if entry.action:
        href = f"{confirm}?enfant={child.pk}&amp;activite={activity.pk}&amp;jour={entry.day.isoformat()}&amp;vue={view}"
        tag, attributes = "a", f' href="{href}"'
        hint = f'<span class="visually-hidden">{esc(ACTION_HINTS[entry.action])}</span>'
    else:
        tag, attributes, hint = "div", "", ""
    show_state = not entry.closed or entry.state != "none"
    state = f'<span class="entry-state">{esc(entry.state_label)}</span>' if show_state else ""
    reason = f' <span class="entry-reason">{esc(entry.reason)}</span>' if entry.reason else ""
    return (
        f'<li class="planning-entry child-{esc(entry.colour)} state-{esc(entry.state)}" data-child="{child.pk}"'
        f' data-activity="{activity.pk}"{" hidden" if hidden else ""}><{tag} class="entry-body"{attributes}>'
        f'<span class="entry-child">{esc(child.first_name)}</span> <span class="entry-activity">{esc(activity.name)}'
        f'</span> <span class="entry-hours">{esc(entry.hours)}</span> {state}{reason}{hint}</{tag}></li>'
    )


def _cells(grid, *, view: str, shown_children: set, shown_activities: set) -> None:
    """What each day prints, computed once here."""
    confirm = reverse("espace_famille:planning_confirm")
    escaped = {}

    def esc(value) -> str:
        # The same names and labels come back hundreds of times in a month: escape each once.
        text = escaped.get(value)
        if text is None:
            text = escaped[value] = html.escape(str(value), quote=True)
        return text

    for day in grid.days:
        day.heading = jour_court(day.day)
        day.html = mark_safe(
            "".join(
                _entry_html(
                    entry,
                    confirm=confirm,
                    view=view,
                    hidden=entry.child.pk not in shown_children or entry.activity.pk not in shown_activities,
                    esc=esc,
                )
                for entry in day.entries
            )
        )


@never_cache
@login_required
def planning(request):
    family = _family_or_none(request)
    if family is None:
        return redirect("espace_famille:home")
    view = request.GET.get("vue") if request.GET.get("vue") in VIEWS else DEFAULT_VIEW
    today = timezone.localdate()
    asked = parse_date(request.GET.get("date"))
    if asked is None and request.GET.get("date"):
        messages.warning(request, DATE_UNKNOWN)
    start, end = period_bounds(view, asked or today)
    grid = planning_selectors.planning_grid(family=family, start=start, end=end, now=timezone.now())

    filtered = "filtre" in request.GET
    shown_children = (
        {c.pk for c in grid.children if str(c.pk) in request.GET.getlist("enfant")}
        if filtered
        else {c.pk for c in grid.children}
    )
    shown_activities = (
        {a.pk for a in grid.activities if str(a.pk) in request.GET.getlist("activite")}
        if filtered
        else {a.pk for a in grid.activities}
    )

    _cells(grid, view=view, shown_children=shown_children, shown_activities=shown_activities)

    def link(day: date) -> str:
        query = request.GET.copy()
        query["vue"], query["date"] = view, day.isoformat()
        return f"?{query.urlencode()}"

    context = {
        "family": family,
        "grid": grid,
        "weeks": _weeks(grid, view),
        "view": view,
        "views": [(key, label, link(start) if key != view else None) for key, label in VIEWS.items()],
        "title": period_title(view, start, end),
        "previous_url": link(_shift(view, start, -1)),
        "next_url": link(_shift(view, start, 1)),
        "today_url": link(today),
        "refresh_url": link(start),
        "today": today,
        "shown_children": shown_children,
        "shown_activities": shown_activities,
        "legend": BookingState.choices,
        "breadcrumb": [ESPACE_FAMILLE, ("Planning", None)],
    }
    return render(request, "espace_famille/planning.html", context)


def _confirm_target(request, family):
    source = request.POST if request.method == "POST" else request.GET
    child_id, activity_id = parse_id(source.get("enfant")), parse_id(source.get("activite"))
    day = parse_date(source.get("jour"))
    if None in (child_id, activity_id, day):
        raise Http404
    entry = planning_selectors.planning_entry(
        family=family, child_id=child_id, activity_id=activity_id, day=day, now=timezone.now()
    )
    view = source.get("vue") if source.get("vue") in VIEWS else DEFAULT_VIEW
    return entry, view


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def planning_confirm(request):
    """A click on a cell: GET asks to confirm, POST sends the request. Nothing changes on GET."""
    family = _family_or_none(request)
    if family is None:
        raise Http404
    entry, view = _confirm_target(request, family)
    back = f"{reverse('espace_famille:planning')}?vue={view}&date={entry.day.isoformat()}"
    words = {"day": jour_court(entry.day), "child": entry.child.first_name, "activity": entry.activity.name}
    if entry.action is None:
        messages.error(
            request, f"{words['child']} — {words['activity']}, {words['day']} : {entry.reason or entry.state_label}."
        )
        return redirect(back)
    form = DayConfirmForm(request.POST or None, request.FILES or None, allow_justification=entry.action == "absence")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.booking_request_submit(
                    family=family,
                    by=request.user,
                    children=[entry.child],
                    activity=entry.activity,
                    kind=entry.action,
                    days=[entry.day],
                    justification=form.cleaned_data.get("justification"),
                )
            except ValidationError as error:  # BookingNotAllowed: the activity closed to bookings meanwhile
                messages.error(request, " ".join(error.messages))
                return redirect(back)
            if result.requested:
                messages.success(request, DONE[entry.action].format(**words))
            else:
                reasons = ", ".join(reason for _child, _day, reason in result.skipped)
                messages.error(request, f"Demande non enregistrée pour le {words['day']} : {reasons}.")
            return redirect(back)
        status = 400
    context = {
        "entry": entry,
        "form": form,
        "view": view,
        "back": back,
        "question": QUESTIONS[entry.action].format(**words),
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Confirmation", None)],
    }
    return render(request, "espace_famille/planning_confirm.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def planning_long(request, kind):
    """«Faire une demande sur une longue période»: children (GET), activity (GET), then the period (POST)."""
    if kind not in LONG_KINDS:
        raise Http404
    family = _family_or_none(request)
    if family is None:
        raise Http404
    action, title, step3 = LONG_KINDS[kind]
    source = request.POST if request.method == "POST" else request.GET
    children = planning_selectors.enrolled_children(family=family)
    asked_children = source.getlist("enfant")
    chosen = [child for child in children if str(child.pk) in asked_children]
    if request.method == "GET" and not asked_children and len(children) == 1:
        chosen = children  # one child: step 1 is already answered
    activities = planning_selectors.activities_for(family=family, child_ids=[c.pk for c in chosen]) if chosen else []
    activity = next((a for a in activities if str(a.pk) == source.get("activite")), None)
    if request.method == "GET" and activity is None and "activite" not in source and len(activities) == 1:
        activity = activities[0]
    status = 200
    form = enrolments = None
    if request.method == "POST" and activity is None:
        status = 400
    if activity is not None:
        enrolments = planning_selectors.enrolments_for(
            family=family, child_ids=[c.pk for c in chosen], activity=activity
        )
        period = (min(e.start_date for e in enrolments), max(e.end_date for e in enrolments))
        form = LongPeriodForm(
            request.POST if request.method == "POST" else None,
            slots=planning_selectors.slots_for(activity=activity),
            period=period,
        )
        if request.method == "POST":
            result = None
            if form.is_valid():
                days = list(
                    rules.days_between(
                        form.cleaned_data["start"], form.cleaned_data["end"], set(form.cleaned_data["weekdays"])
                    )
                )
                try:
                    result = services.booking_request_submit(
                        family=family, by=request.user, children=chosen, activity=activity, kind=action, days=days
                    )
                except ValidationError as error:
                    form.add_error(None, error)
            if result is not None:
                context = {
                    "title": title,
                    "activity": activity,
                    "result": result,
                    "kind": action,
                    "breadcrumb": [ESPACE_FAMILLE, PLANNING, (title, None)],
                }
                return render(request, "espace_famille/planning_long_result.html", context)
            status = 400
    context = {
        "kind": kind,
        "title": title,
        "step3": step3,
        "children": children,
        "chosen": chosen,
        "chosen_ids": {c.pk for c in chosen},
        "activities": activities,
        "activity": activity,
        "enrolments": enrolments,
        "periods": sorted({(e.start_date, e.end_date) for e in enrolments or []}),
        "form": form,
        "missing_selection": request.method == "POST" and activity is None,
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, (title, None)],
    }
    return render(request, "espace_famille/planning_long.html", context, status=status)


@never_cache
@login_required
def planning_list(request):
    """«Planning / Liste (N Résultats)»: the family's booking, absence and cancellation requests."""
    family = _family_or_none(request)
    if family is None:
        return redirect("espace_famille:home")
    filterset = PlanningRequestFilter(
        request.GET or None, queryset=planning_selectors.planning_requests(family=family), family=family
    )
    invalid = filterset.is_bound and not filterset.is_valid()
    queryset = filterset.queryset.none() if invalid else filterset.qs
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Liste", None)],
    }
    return render(request, "espace_famille/planning_list.html", context, status=400 if invalid else 200)


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
    for booking, slot in planning_selectors.feed_bookings(family=family, today=timezone.localdate()):
        event = IEvent()
        event.add("uid", f"reservation-{booking.pk}@portail-famille")
        event.add("dtstamp", stamp)
        event.add("summary", f"{booking.child.first_name} — {booking.activity.name}")
        if slot is not None:
            event.add("dtstart", datetime.combine(booking.day, slot.start_time, tzinfo=rules.PARIS))
            event.add("dtend", datetime.combine(booking.day, slot.end_time, tzinfo=rules.PARIS))
        else:
            event.add("dtstart", booking.day)
        event.add("location", booking.activity.facility.name)
        event.add("description", labels[booking.state])
        feed.add_component(event)
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="planning.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response
