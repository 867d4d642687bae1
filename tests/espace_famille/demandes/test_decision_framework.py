"""One decision framework: every request kind is decided through demandes.services.request_decide, by its handler."""

import grimp
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from espace_famille.demandes import kinds, services
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import (
    FAMILY_FILE_KINDS,
    DecisionNotice,
    EventKind,
    Request,
    RequestEvent,
    RequestKind,
    RequestState,
)
from espace_famille.dossier import changes
from tests.factories import FamilyFactory, UserFactory

TEST_KIND = "test_kind"


class SpyHandler(kinds.KindHandler):
    """A kind registered by the test alone: it writes the family's name on accept, and remembers its calls."""

    kinds = (TEST_KIND,)
    permission = "espace_famille.view_request"  # a permission of its own, for the test of «the kind's permission»

    def __init__(self):
        self.calls = []

    def accept(self, request, *, by, message, lines=None, values=None):
        self.calls.append(("accept", request.pk, message))
        request.family.name = "ACCEPTÉE"
        request.family.save(update_fields=["name"])
        return kinds.Outcome(state=RequestState.ACCEPTED, data={"applied": True})

    def refuse(self, request, *, by, message, lines=None):
        self.calls.append(("refuse", request.pk, message))
        if message == "casse":
            request.family.name = "NE DOIT PAS RESTER"
            request.family.save(update_fields=["name"])
            raise ValidationError("Refus impossible.")
        return kinds.Outcome(state=RequestState.REFUSED)


@pytest.fixture
def handler():
    spy = kinds.register(SpyHandler())
    yield spy
    kinds.unregister(spy)


def user_with(*codenames, **kwargs):
    user = UserFactory(**kwargs)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="espace_famille", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def a_request(**kwargs) -> Request:
    return Request.objects.create(family=FamilyFactory(name="DURANT"), kind=TEST_KIND, subject="Essai", **kwargs)


@pytest.mark.django_db
def test_a_registered_kind_is_accepted_with_its_event_audit_entry_and_notice(handler):
    request = a_request()
    instructor = user_with("change_request", email="instructeur@example.org")

    decided = services.request_decide(request=request, by=instructor, decision=kinds.ACCEPT, message="  Bienvenue ")

    assert handler.calls == [("accept", request.pk, "  Bienvenue ")]
    assert decided.state == RequestState.ACCEPTED and decided.decided_by == instructor
    request.family.refresh_from_db()
    assert request.family.name == "ACCEPTÉE"
    event = RequestEvent.objects.get(request=request)
    assert (event.kind, event.author, event.message) == (EventKind.ACCEPTED, instructor, "Bienvenue")
    entry = ModelLogEntry.objects.get(action="portail.request.accept", object_id=str(request.pk))
    assert entry.user == instructor and entry.data == {"message": "  Bienvenue ", "applied": True}
    notice = DecisionNotice.objects.get(request=request)
    assert (notice.family_id, notice.line, notice.digest_key) == (request.family_id, None, None)
    assert notice.state == "Accepté" and notice.message == "Bienvenue"


@pytest.mark.django_db
def test_a_user_without_the_permission_is_refused_and_nothing_is_written(handler):
    request = a_request()
    officer = user_with("add_request")

    with pytest.raises(PermissionDenied):
        services.request_decide(request=request, by=officer, decision=kinds.ACCEPT)

    request.refresh_from_db()
    assert request.state == RequestState.PENDING and handler.calls == []
    assert not RequestEvent.objects.exists() and not DecisionNotice.objects.exists()
    assert not ModelLogEntry.objects.filter(action__startswith="portail.request.").exists()


@pytest.mark.django_db
def test_the_kinds_own_permission_is_enough(handler):
    request = a_request()
    checker = user_with("view_request")  # SpyHandler.permission

    services.request_decide(request=request, by=checker, decision=kinds.REFUSE, message="Non")

    request.refresh_from_db()
    assert request.state == RequestState.REFUSED
    assert ModelLogEntry.objects.filter(action="portail.request.refuse", object_id=str(request.pk)).exists()


@pytest.mark.django_db
def test_a_request_no_longer_pending_is_refused_without_calling_the_handler(handler):
    request = a_request(state=RequestState.REFUSED)
    instructor = user_with("change_request")

    with pytest.raises(InvalidTransition):
        services.request_decide(request=request, by=instructor, decision=kinds.ACCEPT)

    request.refresh_from_db()
    assert request.state == RequestState.REFUSED and handler.calls == []
    assert not DecisionNotice.objects.exists()


@pytest.mark.django_db
def test_a_handler_that_fails_leaves_nothing_behind(handler):
    request = a_request()
    instructor = user_with("change_request")

    with pytest.raises(ValidationError):
        services.request_decide(request=request, by=instructor, decision=kinds.REFUSE, message="casse")

    request.refresh_from_db()
    request.family.refresh_from_db()
    assert request.state == RequestState.PENDING and request.family.name == "DURANT"
    assert not RequestEvent.objects.exists() and not DecisionNotice.objects.exists()


@pytest.mark.django_db
def test_a_whole_request_cannot_be_partly_accepted(handler):
    with pytest.raises(ValueError):
        services.request_decide(
            request=a_request(), by=user_with("change_request"), decision=kinds.PARTIAL, lines={"accept": [1]}
        )


@pytest.mark.django_db
def test_bulk_decides_the_pending_requests_and_counts_the_others(handler):
    pending, other, decided = a_request(), a_request(), a_request(state=RequestState.ACCEPTED)
    instructor = user_with("change_request")

    outcome = services.requests_decide(
        requests=[pending, other, decided], by=instructor, decision=kinds.REFUSE, message="Complet"
    )

    assert (outcome.requests, outcome.not_decided) == (2, 1)
    assert set(Request.objects.filter(state=RequestState.REFUSED).values_list("pk", flat=True)) == {
        pending.pk,
        other.pk,
    }
    assert DecisionNotice.objects.count() == 2


@pytest.mark.django_db
def test_bulk_checks_the_permission_before_writing_anything(handler):
    request = a_request()
    with pytest.raises(PermissionDenied):
        services.requests_decide(requests=[request], by=user_with(), decision=kinds.ACCEPT)
    assert handler.calls == []


def test_every_request_kind_has_its_handler_registered_by_its_app():
    owners = {kind.value: type(kinds.handler_for(kind)).__module__ for kind in RequestKind}
    assert {kind: owners[kind] for kind in FAMILY_FILE_KINDS} == dict.fromkeys(
        FAMILY_FILE_KINDS, "espace_famille.modifications.handlers"
    )
    assert owners["booking"] == owners["absence"] == owners["cancellation"] == "espace_famille.planning.handlers"
    assert owners["document"] == "espace_famille.justificatifs.handlers"
    assert owners["creche"] == "espace_famille.creche.handlers"


def test_the_demandes_menu_group_is_built_from_the_registry():
    from espace_famille.demandes.wagtail_hooks import RequestsGroup

    labels = [viewset.menu_label for viewset in kinds.admin_viewsets()]
    assert labels == ["Dossier famille", "Réservations et absences"]
    assert [type(item).menu_label for item in RequestsGroup().registerables] == labels


def test_a_second_handler_for_a_kind_is_refused():
    class Other(kinds.KindHandler):
        kinds = (RequestKind.BOOKING.value,)

    with pytest.raises(ValueError):
        kinds.register(Other())


def test_the_file_diff_covers_exactly_the_family_file_kinds():
    assert set(changes.KIND_FIELDS) == {kind.value for kind in FAMILY_FILE_KINDS}


def test_demandes_imports_none_of_the_apps_owning_the_kinds():
    """The same rule as lint-imports' layers contract, said for the decision framework."""
    graph = grimp.build_graph("espace_famille")
    for owner in ("planning", "modifications", "justificatifs", "creche", "comptes"):
        chains = graph.find_shortest_chains(importer="espace_famille.demandes", imported=f"espace_famille.{owner}")
        assert not chains, f"demandes imports espace_famille.{owner}: {chains}"
