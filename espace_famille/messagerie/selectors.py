"""Reads of the messages to families, each in a fixed number of queries: the families an audience reaches and how,
the messages sent with their delivery counts, one message family by family, and a family's own messages."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from espace_famille.dossier.models import Family, Subscription
from espace_famille.messagerie import rules
from espace_famille.messagerie.models import FamilyMessage, FamilyMessageRecipient
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.models import Booking, Enrolment
from notifications.models import OutboxMessage, OutboxSms


def audience_families(*, audience: rules.Audience) -> list[Family]:
    """The families the audience names, each once (two children in the activity make one family), with their
    guardians and subscribed accounts: three queries. Anonymised families are nobody's audience."""
    families = Family.objects.filter(anonymised_at__isnull=True)
    if audience.kind == rules.FAMILY:
        families = families.filter(pk=audience.family.pk)
    elif audience.kind == rules.ACTIVITY:
        holding = Booking.objects.filter(
            activity=audience.activity,
            day__gte=audience.start,
            day__lte=audience.last_day,
            state__in=planning_rules.HOLDS_A_PLACE,
        )
        families = families.filter(pk__in=holding.values("child__family_id"))
    else:
        enrolled = Enrolment.objects.filter(
            activity__facility=audience.facility,
            start_date__lte=audience.last_day,
            end_date__gte=audience.start,
        )
        families = families.filter(pk__in=enrolled.values("child__family_id"))
    return list(
        families.order_by("name", "pk").prefetch_related(
            "guardians", Prefetch("subscriptions", queryset=Subscription.objects.select_related("user"))
        )
    )


def _people(family: Family) -> tuple[list[rules.Person], list[rules.Person]]:
    guardians = [
        rules.Person(
            civility=g.civility,
            first_name=g.first_name,
            last_name=g.last_name,
            email=g.email,
            accepts_email=g.accepts_email,
            mobile=g.mobile,
            accepts_sms=g.accepts_sms,
        )
        for g in family.guardians.all()
    ]
    accounts = [
        rules.Person(
            civility=s.user.civility, first_name=s.user.first_name, last_name=s.user.last_name, email=s.user.email
        )
        for s in family.subscriptions.all()
        if s.user.is_active
    ]
    return guardians, accounts


@dataclass
class Plan:
    """What a message would do: each family and how it is reached."""

    families: list[tuple[Family, rules.Reach]] = field(default_factory=list)

    @property
    def emails(self) -> int:
        return sum(len(reach.emails) for _, reach in self.families)

    @property
    def sms(self) -> int:
        return sum(len(reach.sms) for _, reach in self.families)

    @property
    def unreached(self) -> list[Family]:
        """Families no e-mail or SMS reaches: they read the message in «Mes messages» only."""
        return [family for family, reach in self.families if not (reach.emails or reach.sms)]

    @property
    def bad_numbers(self) -> list[tuple[Family, str, rules.Person]]:
        return [(family, number, person) for family, reach in self.families for number, person in reach.bad_numbers]


def audience_plan(*, audience: rules.Audience, by_email: bool, by_sms: bool) -> Plan:
    plan = Plan()
    for family in audience_families(audience=audience):
        guardians, accounts = _people(family)
        plan.families.append(
            (family, rules.reach(guardians=guardians, accounts=accounts, by_email=by_email, by_sms=by_sms))
        )
    return plan


def _deliveries() -> list[Prefetch]:
    return [
        Prefetch("emails", queryset=OutboxMessage.objects.only("pk", "status", "to_email", "attempts", "last_error")),
        Prefetch("sms", queryset=OutboxSms.objects.only("pk", "status", "to_phone", "attempts", "last_error")),
    ]


def state_of(recipient: FamilyMessageRecipient) -> str:
    """A family's delivery state, from its prefetched e-mails and SMS."""
    return rules.rollup([row.status for row in (*recipient.emails.all(), *recipient.sms.all())])


def messages_sent(*, family: Family | None = None) -> QuerySet[FamilyMessage]:
    """The messages (those a family received), the latest first, with their author and their number of families:
    one query per page."""
    sent = FamilyMessage.objects.select_related("author", "family")
    if family is not None:
        sent = sent.filter(pk__in=FamilyMessageRecipient.objects.filter(family=family).values("message_id"))
    return sent.annotate(families=Count("recipients")).order_by("-created_at", "-pk")


def delivery_counts(*, message_ids: list[int]) -> dict[int, Counter]:
    """{message id: Counter(state: number of e-mails and SMS)}: two queries, whatever the number of families."""
    counts: dict[int, Counter] = {pk: Counter() for pk in message_ids}
    for through, target in (
        (FamilyMessageRecipient.emails.through, "outboxmessage"),
        (FamilyMessageRecipient.sms.through, "outboxsms"),
    ):
        rows = (
            through.objects.filter(familymessagerecipient__message_id__in=message_ids)
            .values_list("familymessagerecipient__message_id", f"{target}__status")
            .annotate(number=Count("pk"))
            .order_by()
        )
        for message_id, state, number in rows:
            counts[message_id][state] += number
    return counts


def message_state(counts: Counter) -> str:
    return rules.rollup([state for state, number in counts.items() if number])


def message_detail(*, pk: int) -> tuple[FamilyMessage, list[FamilyMessageRecipient]]:
    """One message and its families, each with its e-mails and SMS: four queries."""
    message = get_object_or_404(FamilyMessage.objects.select_related("author", "family", "activity", "facility"), pk=pk)
    recipients = list(
        message.recipients.select_related("family").prefetch_related(*_deliveries()).order_by("family__name", "pk")
    )
    return message, recipients


def family_section(*, family: Family, limit: int = 5) -> tuple[list[FamilyMessageRecipient], int]:
    """The family's latest messages with their deliveries, and how many it received: four queries."""
    recipients = list(
        FamilyMessageRecipient.objects.filter(family=family)
        .select_related("message", "message__author")
        .prefetch_related(*_deliveries())
        .order_by("-message__created_at", "-pk")[:limit]
    )
    return recipients, FamilyMessageRecipient.objects.filter(family=family).count()


def received_by(*, user: AbstractUser) -> QuerySet[FamilyMessageRecipient]:
    """«Mes messages»: the messages of the families this account is subscribed to, the latest first."""
    return (
        FamilyMessageRecipient.objects.filter(family__subscriptions__user=user)
        .select_related("message", "family")
        .order_by("-message__created_at", "-pk")
    )


def received_one(*, user: AbstractUser, pk: int) -> FamilyMessageRecipient:
    """One message of one of the account's families, or 404."""
    return get_object_or_404(received_by(user=user), pk=pk)


def unread_count(*, user: AbstractUser) -> int:
    return received_by(user=user).filter(read_at__isnull=True).count()
