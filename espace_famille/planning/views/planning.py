"""«Planning»: the month and week views, a day's confirmation, long-period requests, the list."""

import html
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commun import formats, intents
from commun.listing import filtered_page
from commun.parsing import parse_date, parse_id
from commun.uploads import UploadRefused
from espace_famille.demandes import acknowledgements
from espace_famille.dossier import selectors
from espace_famille.planning import agenda, basket, rules, services
from espace_famille.planning import selectors as planning_selectors
from espace_famille.planning.forms import DayConfirmForm, LongPeriodForm, PlanningRequestFilter
from espace_famille.planning.models import BookingState

ESPACE_FAMILLE = ("Espace famille", "espace_famille:home")
PLANNING = ("Planning", "espace_famille:planning")
VIEWS = {"semaine": "Semaine (7 jours)", "semaine5": "Semaine (5 jours)", "mois": "Mois", "agenda": "Agenda"}
DEFAULT_VIEW = "semaine"
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
    """The days a view shows around `day`: its month, its week (Monday to Sunday, the agenda's too) or Monday to
    Friday."""
    if view == "agenda":
        return agenda.bounds(day)
    if view == "mois":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=4 if view == "semaine5" else 6)


def period_title(view: str, start: date, end: date) -> str:
    """«novembre 2018», «19 — 25 nov. 2018», «29 oct. — 4 nov. 2018», «31 déc. 2018 — 6 janv. 2019»."""
    return formats.month_year(start) if view == "mois" else formats.date_span(start, end)


def view_url(query, *, view: str, day: date) -> str:
    """The planning's address showing `view` around `day`, keeping the other parameters (the toggles). Every
    period and view link is built here: a view link that kept the shown view sent «Mois» back to the week."""
    query = query.copy()
    query["vue"], query["date"] = view, day.isoformat()
    return f"?{query.urlencode()}"


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
    # The grid's form sends the ticks to the basket; the agenda has no such form yet (its entries get none).
    tick = basket.tick_for(entry) if entry.action == "booking" and view != "agenda" else ""
    return (
        f'<li class="planning-entry child-{esc(entry.colour)} state-{esc(entry.state)}" data-child="{child.pk}"'
        f' data-activity="{activity.pk}"{" hidden" if hidden else ""}><{tag} class="entry-body"{attributes}>'
        f'<span class="entry-child">{esc(child.first_name)}</span> <span class="entry-activity">{esc(activity.name)}'
        f'</span> <span class="entry-hours">{esc(entry.hours)}</span> {state}{reason}{hint}</{tag}>{tick}</li>'
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
        day.heading = formats.day_month(day.day)
        for entry in day.entries:  # the agenda prints the entries one by one, the other views day by day
            entry.html = mark_safe(
                _entry_html(
                    entry,
                    confirm=confirm,
                    view=view,
                    hidden=entry.child.pk not in shown_children or entry.activity.pk not in shown_activities,
                    esc=esc,
                )
            )
        day.html = mark_safe("".join(entry.html for entry in day.entries))


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
    anchor = asked or today  # the day the parent looks at: the view links keep it
    start, end = period_bounds(view, anchor)
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
        return view_url(request.GET, view=view, day=day)

    context = {
        "family": family,
        "grid": grid,
        "weeks": _weeks(grid, view),
        "view": view,
        "views": [
            (key, label, view_url(request.GET, view=key, day=anchor) if key != view else None)
            for key, label in VIEWS.items()
        ],
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
    if view == "agenda":
        context.update(agenda=agenda.agenda(grid, today=today), anchor=anchor)
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


def _day_subject(entry) -> str:
    return f"{entry.child.pk}:{entry.activity.pk}:{entry.day.isoformat()}"


def _confirmed_action(token: str | None, user) -> str:
    """The action the page showed («booking», «absence», «cancellation»), as its intent carries it."""
    action = intents.read(token, user=user).action.removeprefix("planning.")
    if action not in QUESTIONS:
        raise intents.IntentInvalid
    return action


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def planning_confirm(request):
    """A click on a cell: GET asks to confirm, POST sends the request. Nothing changes on GET.

    The POST carries out the action the page showed, as its intent names it, never the one today's state
    would suggest: a repeated «Réserver» must not turn into «Annuler la demande»."""
    family = _family_or_none(request)
    if family is None:
        raise Http404
    entry, view = _confirm_target(request, family)
    back = f"{reverse('espace_famille:planning')}?vue={view}&date={entry.day.isoformat()}"
    words = {"day": formats.day_month(entry.day), "child": entry.child.first_name, "activity": entry.activity.name}

    def page(action: str, form, status: int = 200, refused: str = ""):
        context = {
            "refused": refused,
            "entry": entry,
            "action": action,
            "form": form,
            "view": view,
            "back": back,
            "question": QUESTIONS[action].format(**words),
            "intent": intents.issue(action=f"planning.{action}", subject=_day_subject(entry), user=request.user),
            "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Confirmation", None)],
        }
        return render(request, "espace_famille/planning_confirm.html", context, status=status)

    def unavailable():
        messages.error(
            request, f"{words['child']} — {words['activity']}, {words['day']} : {entry.reason or entry.state_label}."
        )
        return redirect(back)

    if request.method == "GET":
        if entry.action is None:
            return unavailable()
        return page(entry.action, DayConfirmForm(allow_justification=entry.action == "absence"))
    token = request.POST.get(intents.FIELD)
    try:
        action = _confirmed_action(token, request.user)
    except intents.IntentInvalid as error:
        if entry.action is None:
            return unavailable()
        form = DayConfirmForm(allow_justification=entry.action == "absence")
        return page(entry.action, form, status=400, refused=error.message)
    form = DayConfirmForm(request.POST, request.FILES, allow_justification=action == "absence")
    if not form.is_valid():
        return page(action, form, status=400)
    try:
        with intents.once(token, action=f"planning.{action}", subject=_day_subject(entry), user=request.user):
            result = services.booking_request_submit(
                family=family,
                by=request.user,
                children=[entry.child],
                activity=entry.activity,
                kind=action,
                days=[entry.day],
                justification=form.cleaned_data.get("justification"),
            )
    except intents.AlreadyDone as error:
        messages.info(request, error.message)
        return redirect(back)
    except intents.IntentInvalid as error:  # a page of another day
        return page(action, form, status=400, refused=error.message)
    except UploadRefused as error:
        form.add_error("justification", error)
        return page(action, form, status=400)
    except ValidationError as error:  # BookingNotAllowed: the activity closed to bookings meanwhile
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.requested:
        done = DONE[action].format(**words)
        if result.requests and action != "cancellation":
            # The state «Mes demandes» and the acknowledgement show: «acceptée» when the rules decided at once.
            state = acknowledgements.submission_state(result.requests)
            done = f"{done.removesuffix('.')} : {acknowledgements.state_words(state)}."
        messages.success(request, done)
    else:
        reasons = ", ".join(reason for _child, _day, reason in result.skipped)
        messages.error(request, f"Demande non enregistrée pour le {words['day']} : {reasons}.")
    return redirect(back)


def _period_subject(children, activity) -> str:
    return f"{activity.pk}:{','.join(str(pk) for pk in sorted(child.pk for child in children))}"


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
                    with intents.once(
                        request.POST.get(intents.FIELD),
                        action=f"planning.period.{action}",
                        subject=_period_subject(chosen, activity),
                        user=request.user,
                    ):
                        result = services.booking_request_submit(
                            family=family, by=request.user, children=chosen, activity=activity, kind=action, days=days
                        )
                except intents.AlreadyDone as error:
                    messages.info(request, error.message)
                    return redirect("espace_famille:planning_list")
                except ValidationError as error:  # IntentInvalid (a stale page) or BookingNotAllowed
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
        "intent": intents.issue(
            action=f"planning.period.{action}", subject=_period_subject(chosen, activity), user=request.user
        )
        if form
        else "",
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
    page, query, status = filtered_page(filterset, request.GET, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Liste", None)],
    }
    return render(request, "espace_famille/planning_list.html", context, status=status)
