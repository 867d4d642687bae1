"""A signed intent carries one action on one object, once: a repeat, a replay elsewhere or a stale page do nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from commun import intents
from commun.models import UsedIntent
from tests.factories import UserFactory
from tests.races import RaceWindow, at_the_same_moment

pytestmark = pytest.mark.django_db


def test_an_intent_is_carried_out_once_and_a_repeat_says_it_is_already_recorded():
    user = UserFactory()
    token = intents.issue(action="planning.absence", subject="7:3:2026-12-07", user=user)
    with intents.once(token, action="planning.absence", subject="7:3:2026-12-07", user=user):
        pass
    with pytest.raises(intents.AlreadyDone) as refused:
        with intents.once(token, action="planning.absence", subject="7:3:2026-12-07", user=user):
            pytest.fail("the action of a used intent must not run")
    assert refused.value.message == "Cette demande est déjà enregistrée."
    assert UsedIntent.objects.count() == 1


@pytest.mark.parametrize(
    "action, subject",
    [("planning.cancellation", "7:3:2026-12-07"), ("planning.absence", "7:3:2026-12-08")],
    ids=["another action", "another object"],
)
def test_an_intent_cannot_be_replayed_for_another_action_or_object(action, subject):
    user = UserFactory()
    token = intents.issue(action="planning.absence", subject="7:3:2026-12-07", user=user)
    with pytest.raises(intents.IntentInvalid):
        with intents.once(token, action=action, subject=subject, user=user):
            pytest.fail("must not run")
    assert not UsedIntent.objects.exists()


@pytest.mark.parametrize("token", [None, "", "abc", "x" * 2000, "e30:1vXyZ:forged"])
def test_a_missing_or_forged_token_is_refused(token):
    with pytest.raises(intents.IntentInvalid):
        with intents.once(token, action="a", subject="s", user=UserFactory()):
            pytest.fail("must not run")


def test_another_persons_intent_and_a_stale_one_are_refused():
    owner, stranger = UserFactory(), UserFactory()
    token = intents.issue(action="a", subject="s", user=owner)
    with pytest.raises(intents.IntentInvalid):
        with intents.once(token, action="a", subject="s", user=stranger):
            pass
    with time_machine.travel(timedelta(hours=25)), pytest.raises(intents.IntentInvalid):
        with intents.once(token, action="a", subject="s", user=owner):
            pass


def test_an_action_that_fails_leaves_its_intent_unused_so_the_person_can_try_again():
    user = UserFactory()
    token = intents.issue(action="a", subject="s", user=user)
    with pytest.raises(ValueError):
        with intents.once(token, action="a", subject="s", user=user):
            raise ValueError("the service refused")
    with intents.once(token, action="a", subject="s", user=user):
        pass
    assert UsedIntent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_consuming_outside_a_transaction_is_a_programming_error():
    user = UserFactory()
    token = intents.issue(action="a", subject="s", user=user)
    with pytest.raises(RuntimeError):
        intents.consume(token, action="a", subject="s", user=user)


def test_purge_forgets_only_intents_no_token_can_still_name():
    user = UserFactory()
    for _ in range(2):
        with intents.once(intents.issue(action="a", user=user), action="a", user=user):
            pass
    UsedIntent.objects.filter(pk=UsedIntent.objects.first().pk).update(
        used_at=UsedIntent.objects.first().used_at - timedelta(days=2)
    )
    assert intents.purge() == 1 and UsedIntent.objects.count() == 1


def test_the_nightly_job_forgets_old_intents():
    from cms.retention import run_scheduled

    user = UserFactory()
    with intents.once(intents.issue(action="a", user=user), action="a", user=user):
        pass
    with time_machine.travel(timedelta(days=3)):
        run_scheduled()
    assert not UsedIntent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
def test_two_submissions_of_one_intent_racing_run_the_action_once():
    user = UserFactory()
    token = intents.issue(action="a", subject="s", user=user)
    ran, refused = [], []
    window = RaceWindow()

    def submit():
        try:
            with intents.once(token, action="a", subject="s", user=user):
                ran.append(1)
                window.hold()
        except intents.AlreadyDone:
            refused.append(1)

    at_the_same_moment(submit, submit, window=window)
    assert (len(ran), len(refused)) == (1, 1)


def test_the_repeat_of_a_used_intent_is_already_done_even_when_its_object_now_reads_differently():
    user = UserFactory()
    token = intents.issue(action="requests.accept", subject="3 demandes", user=user)
    with intents.once(token, action="requests.accept", subject="3 demandes", user=user):
        pass
    with pytest.raises(intents.AlreadyDone):
        with intents.once(token, action="requests.accept", subject="0 demande", user=user):
            pytest.fail("must not run")
    with pytest.raises(intents.IntentInvalid):
        with intents.once(token, action="requests.refuse", subject="0 demande", user=user):
            pytest.fail("must not run")


def test_a_view_can_ask_whether_a_form_was_already_carried_out():
    user = UserFactory()
    token = intents.issue(action="a", subject="s", user=user)
    assert not intents.carried_out(token, user=user)
    with intents.once(token, action="a", subject="s", user=user):
        pass
    assert intents.carried_out(token, user=user)
    assert not intents.carried_out(token, user=UserFactory()) and not intents.carried_out("forged", user=user)
