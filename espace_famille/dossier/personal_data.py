"""The family file in the personal-data registry: the family, its guardians, its children with their vaccines and
authorised adults, and the accounts' subscriptions to it."""

from commun.personal_data import ANONYMOUS, Anonymise, Delete, PersonalData, Section, WithAccount, WithFamily, register
from espace_famille.dossier import export
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Subscription, Vaccination


def register_all() -> None:
    register(
        PersonalData(
            Family,
            family="",
            activity="created_at",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "name": lambda family: f"{ANONYMOUS} {family.pk}",
                            "allocataire_number": "",
                            "quotient": None,
                            "dependants": None,
                            "address_line": "",
                            "address_complement": "",
                            "postcode": "",
                            "city": "",
                            "account_holder": "",
                            "iban": "",
                            "bic": "",
                        }
                    )
                ),
            ),
            export=Section(
                "family",
                export.collect_family,
                export.render_family,
                "le dossier famille : nom, code abonné, informations fiscales, adresse et coordonnées bancaires "
                "(IBAN complet)",
            ),
        ),
        PersonalData(
            Guardian,
            family="family",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "civility": "",
                            "family_situation": "",
                            "last_name": ANONYMOUS,
                            "first_name": ANONYMOUS,
                            "email": "",
                            "phone": "",
                            "mobile": "",
                            "photo": "",
                        }
                    )
                ),
            ),
            export=Section(
                "guardians",
                export.collect_guardians,
                export.render_guardians,
                "les responsables : civilité, situation familiale, qualité, téléphones, e-mail et accords pour "
                "recevoir des e-mails et des SMS",
            ),
        ),
        PersonalData(
            Child,
            family="family",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "last_name": ANONYMOUS,
                            "first_name": ANONYMOUS,
                            # The year stays, for statistics by age.
                            "birth_date": lambda child: child.birth_date.replace(month=1, day=1),
                            "insurance_company": "",
                            "insurance_number": "",
                            "allergies": "",
                            "diet": "",
                            "photo": "",
                        }
                    )
                ),
            ),
            export=Section(
                "children",
                export.collect_children,
                export.render_children,
                "les enfants : informations générales, assurance, autorisations, pratiques alimentaires, allergies, "
                "vaccins et adultes habilités",
            ),
        ),
        PersonalData(Vaccination, family="child__family", rules=(WithFamily(Delete()),), export="children"),
        PersonalData(AuthorizedContact, family="child__family", rules=(WithFamily(Delete()),), export="children"),
        # The link of an account to the family: shown with the accounts, in comptes' «subscriptions» section.
        PersonalData(
            Subscription,
            family="family",
            user="user",
            activity="user__last_login",
            rules=(WithFamily(Delete()), WithAccount()),
            export="subscriptions",
        ),
    )
