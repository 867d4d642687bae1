"""«Mes abonnements / M'abonner»: by subscriber code, by invoice references, or from the signup code."""

import re
from html import unescape

import pytest
from django.urls import reverse

from espace_famille.comptes import services
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from tests.factories import FamilyFactory, InvoiceFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD = "espace_famille:subscription_add"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def parent(client, site):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_form_offers_both_ways_of_the_guide_in_its_order(client, parent):
    page = text(client.get(reverse(ADD)))
    order = [
        "Avec une de vos factures",
        "Code émission de la facture",
        "Référence de la facture",
        "Montant de la facture",
        "Code personnel",
        "Ou",
        "Avec votre code abonné",
        "Code Abonné",
    ]
    # Looked for in what the page shows: the 64 random characters of the CSRF token once held «Ou».
    shown = re.sub(r"<[^>]*>", " ", page)
    positions = [shown.find(label) for label in order]
    assert -1 not in positions and positions == sorted(positions)
    assert page.count(">Rechercher</button>") == 2 and page.count(">Annuler</a>") == 2


def test_wrong_code_is_refused_with_a_clear_message(client, parent):
    FamilyFactory(subscriber_code="GOODCODE42")
    response = client.post(reverse(ADD), {"way": "code", "code-code": "BADCODE"})
    assert response.status_code == 400
    assert "Aucun dossier famille ne correspond aux informations saisies" in text(response)
    assert not Subscription.objects.exists()


def test_empty_code_gets_a_message_beside_the_field(client, parent):
    response = client.post(reverse(ADD), {"way": "code", "code-code": ""})
    assert response.status_code == 400
    assert 'id="id_code-code_error"' in response.content.decode()
    assert "Saisissez le code abonné transmis par votre collectivité." in text(response)


def test_invoice_references_must_all_match(client, parent):
    family = FamilyFactory()
    InvoiceFactory(family=family, number="2018-2544", amount="6.50", emission_code="EM2018", personal_code="P1")
    base = {
        "way": "invoice",
        "invoice-emission_code": "EM2018",
        "invoice-reference": "2018-2544",
        "invoice-amount": "6,50",
        "invoice-personal_code": "P1",
    }
    for field, wrong in [
        ("invoice-amount", "6,51"),
        ("invoice-personal_code", "P2"),
        ("invoice-reference", "2018-2545"),
        ("invoice-emission_code", "EM2019"),
    ]:
        response = client.post(reverse(ADD), {**base, field: wrong})
        assert response.status_code == 400
        assert "Aucun dossier famille ne correspond" in text(response)
    assert not Subscription.objects.exists()
    response = client.post(reverse(ADD), {**base, "invoice-amount": "abc"})
    assert "Saisissez un nombre." in text(response)
    client.post(reverse(ADD), base)
    assert Subscription.objects.get().family == family


def test_wrong_codes_are_throttled_per_account(client, parent, settings):
    settings.SUBSCRIPTION_RATE = "3/h"
    family = FamilyFactory(subscriber_code="GOODCODE42")
    for attempt in range(3):
        assert client.post(reverse(ADD), {"way": "code", "code-code": f"WRONG{attempt}"}).status_code == 400
    # Even the right code is refused once the limit is reached: guessing must not pay.
    response = client.post(reverse(ADD), {"way": "code", "code-code": family.subscriber_code})
    assert response.status_code == 429
    assert "Trop de tentatives infructueuses" in text(response)
    assert not Subscription.objects.exists()


def test_throttling_also_counts_per_address_across_accounts(client, site, settings):
    settings.SUBSCRIPTION_RATE = "2/h"
    for _ in range(2):
        client.force_login(UserFactory())
        client.post(reverse(ADD), {"way": "code", "code-code": "WRONG"}, REMOTE_ADDR="203.0.113.9")
    client.force_login(UserFactory())
    response = client.post(reverse(ADD), {"way": "code", "code-code": "WRONG"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_subscribing_twice_keeps_one_subscription(client, parent):
    family = FamilyFactory(subscriber_code="GOODCODE42")
    client.post(reverse(ADD), {"way": "code", "code-code": "goodcode42"})
    response = client.post(reverse(ADD), {"way": "code", "code-code": "GOOD-CODE-42"}, follow=True)
    assert "Vous êtes déjà abonné" in text(response)
    assert Subscription.objects.filter(user=parent, family=family).count() == 1


def test_subscription_is_audited(parent):
    from wagtail.models import ModelLogEntry

    family = FamilyFactory()
    subscription, created = dossier_services.subscription_claim(
        family=family, method=SubscriptionMethod.CODE, by=parent
    )
    assert created
    entry = ModelLogEntry.objects.get(action="portail.subscription.create")
    assert entry.object_id == str(subscription.pk) and entry.user == parent
    assert entry.data["method"] == "code"


def test_signup_code_links_the_family_only_once_the_email_is_confirmed(site):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    family = FamilyFactory(subscriber_code="DURANT2026")
    user = UserFactory(verified=False)
    services.signup_code_store(user=user, code="durant-2026")
    assert not Subscription.objects.exists()
    address = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    subscription = Subscription.objects.get()
    assert subscription.family == family and subscription.method == SubscriptionMethod.SIGNUP
    user.refresh_from_db()
    assert user.pending_subscriber_code == ""


def test_a_wrong_signup_code_is_reported_in_mon_espace(client, site):
    user = UserFactory()
    services.signup_code_store(user=user, code="NOPE")
    services.signup_code_apply(user=user)
    client.force_login(user)
    page = text(client.get(reverse("espace_famille:mon_espace")))
    assert "Le code abonné saisi lors de votre inscription ne correspond à aucun dossier famille" in page
    assert "Le code abonné saisi" not in text(client.get(reverse("espace_famille:mon_espace")))
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "espace_famille:mon_espace",
        "espace_famille:profile",
        "espace_famille:subscriptions",
        ADD,
        "espace_famille:home",
        "espace_facturation:home",
    ],
)
def test_citizen_pages_send_anonymous_visitors_to_the_login(client, site, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_a_parent_cannot_choose_another_familys_file(client, parent):
    mine = FamilyFactory(name="MINE")
    dossier_services.subscription_claim(family=mine, method=SubscriptionMethod.CODE, by=parent)
    other = FamilyFactory(name="OTHER")
    response = client.post(reverse("espace_famille:family_choose"), {"family": other.pk})
    assert response.status_code == 404
    assert "Famille MINE" in text(client.get(reverse("espace_famille:home")))


def test_a_parent_with_two_families_switches_between_them(client, parent):
    first, second = FamilyFactory(name="PREMIERE"), FamilyFactory(name="SECONDE")
    for family in (first, second):
        dossier_services.subscription_claim(family=family, method=SubscriptionMethod.CODE, by=parent)
    assert "Espace famille — Famille PREMIERE" in text(client.get(reverse("espace_famille:home")))
    client.post(reverse("espace_famille:family_choose"), {"family": second.pk, "next": "https://evil.example/"})
    assert "Espace famille — Famille SECONDE" in text(client.get(reverse("espace_famille:home")))
    assert "Espace facturation — Famille SECONDE" in text(client.get(reverse("espace_facturation:home")))


def test_profile_update_is_validated_and_saved(client, parent):
    response = client.post(reverse("espace_famille:profile"), {"civility": "", "last_name": "", "first_name": "Jo"})
    assert response.status_code == 400
    parent.refresh_from_db()
    assert parent.first_name == "Jean"
    client.post(reverse("espace_famille:profile"), {"civility": "Mme", "last_name": "Martin", "first_name": "Jo"})
    parent.refresh_from_db()
    assert parent.display_name == "Mme Jo MARTIN"


def test_home_page_spaces_query_count_does_not_grow_with_the_family(client, parent, django_assert_max_num_queries):
    from tests.factories import ChildFactory, GuardianFactory

    family = FamilyFactory()
    dossier_services.subscription_claim(family=family, method=SubscriptionMethod.CODE, by=parent)
    GuardianFactory(family=family)
    ChildFactory(family=family)
    client.get(reverse("espace_famille:home"))
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("espace_famille:home"))
    ChildFactory.create_batch(6, family=family)
    GuardianFactory(family=family)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("espace_famille:home"))


def test_password_change_from_mon_espace(client, parent):
    page = text(client.get(reverse("account_change_password")))
    assert "Changer mon mot de passe" in page
    response = client.post(
        reverse("account_change_password"), {"oldpassword": "Portail2026!", "password1": "abc", "password2": "abc"}
    )
    assert "Le mot de passe doit contenir au moins 8 caractères" in text(response)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "Portail2026!", "password1": "Automne2026x", "password2": "Automne2026x"},
    )
    parent.refresh_from_db()
    assert parent.check_password("Automne2026x")
