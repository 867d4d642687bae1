"""The guide's families: DURANT, ADERNO and BLMAN, with their file filled in — address, quotient, bank details,
guardians, children with their health, vaccinations and the adults who may pick them up. Safe to run twice: a
field the demo changed since (an accepted request) keeps its value."""

from datetime import date

from espace_famille.dossier import services
from espace_famille.dossier.models import (
    AuthorizedContact,
    Child,
    Civility,
    Diet,
    Family,
    FamilySituation,
    Guardian,
    Quality,
    Relationship,
    Sex,
    Vaccination,
)

BOULOGNE = {"postcode": "92100", "city": "Boulogne-Billancourt"}
# Every child may be picked up by these adults; the guide shows Léa's.
DURANT_CONTACTS = [
    {
        "full_name": "BARRET Jean-philippe",
        "mobile": "06 23 45 67 89",
        "relationship": Relationship.NEIGHBOUR,
        "emergency_call": False,
        "can_pick_up": True,
    },
    {
        "full_name": "LOUVOIS Anne",
        "mobile": "06 34 56 78 90",
        "relationship": Relationship.UNCLE_AUNT,
        "emergency_call": False,
        "can_pick_up": True,
    },
]
ALL_ALLOWED = {
    "allows_sport": True,
    "allows_photo": True,
    "allows_outings": True,
    "allows_hospitalisation": True,
}

FAMILIES = [
    {
        "name": "DURANT",
        "code": "DURANT2026",
        "file": {
            **BOULOGNE,
            "address_line": "15 rue de Silly",
            "quotient": 850,
            "allocataire_number": "1234567",
            "dependants": 3,
            "account_holder": "M. Jean DURANT",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP882",
        },
        "guardians": [
            {
                "civility": Civility.MR,
                "first_name": "Jean",
                "last_name": "DURANT",
                "family_situation": FamilySituation.MARRIED,
                "quality": Quality.FATHER,
                "email": "jean.durant@example.org",
                "phone": "01 46 05 12 34",
                "mobile": "06 12 34 56 78",
                "accepts_email": True,
                "accepts_sms": True,
            },
            {
                # Her mobile phone arrives through an accepted request (espace_famille/modifications/demo.py).
                "civility": Civility.MRS,
                "first_name": "Claire",
                "last_name": "DURANT",
                "family_situation": FamilySituation.MARRIED,
                "quality": Quality.MOTHER,
                "email": "claire.durant@example.org",
                "phone": "01 46 05 12 34",
                "accepts_email": True,
                "accepts_sms": False,
            },
        ],
        "children": [
            {
                "first_name": "Léa",
                "birth_date": date(2010, 1, 1),
                "sex": Sex.GIRL,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                "glasses": True,
                **ALL_ALLOWED,
                "allows_leave_alone": True,
                "vaccinations": [{"name": "Hépatite B", "date": date(2016, 4, 5)}],
                "contacts": DURANT_CONTACTS,
            },
            {
                "first_name": "Léo",
                "birth_date": date(2015, 11, 24),
                "sex": Sex.BOY,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                **ALL_ALLOWED,
                "diet": Diet.PAI,
                "allergies": "Arachide : éviction stricte. Trousse d'urgence (PAI) remise à l'école.",
                "vaccinations": [
                    {"name": "DTPolio", "date": date(2016, 1, 24), "booster_date": date(2021, 11, 24)},
                    {"name": "ROR", "date": date(2016, 11, 24)},
                ],
                "contacts": DURANT_CONTACTS,
            },
            {
                "first_name": "Nathan",
                "birth_date": date(2015, 11, 24),
                "sex": Sex.BOY,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                **ALL_ALLOWED,
                "allows_photo": False,
                "vaccinations": [
                    {"name": "DTPolio", "date": date(2016, 1, 24), "booster_date": date(2021, 11, 24)},
                    {"name": "ROR", "date": date(2016, 11, 24)},
                ],
                "contacts": DURANT_CONTACTS,
            },
        ],
    },
    {
        "name": "ADERNO",
        "code": "ADERNO2026",
        "file": {
            **BOULOGNE,
            "address_line": "48 avenue Jean-Baptiste Clément",
            "quotient": 520,
            "allocataire_number": "7654321",
            "dependants": 2,
        },
        "guardians": [
            {
                "civility": Civility.MRS,
                "first_name": "Sandrine",
                "last_name": "ADERNO",
                "family_situation": FamilySituation.SEPARATED,
                "quality": Quality.MOTHER,
                "email": "sandrine.aderno@example.org",
                "mobile": "06 45 67 89 01",
                "accepts_email": True,
                "accepts_sms": True,
            }
        ],
        "children": [
            {
                "first_name": "Maéva",
                "birth_date": date(2014, 5, 12),
                "sex": Sex.GIRL,
                "insurance_company": "MACIF",
                "insurance_number": "AB 98 76 54",
                **ALL_ALLOWED,
                "diet": Diet.NO_PORK,
                "vaccinations": [{"name": "Méningocoque C", "date": date(2015, 5, 12)}],
                "contacts": [
                    {
                        "full_name": "ADERNO Lucien",
                        "mobile": "06 56 78 90 12",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            },
            {
                "first_name": "Timéo",
                "birth_date": date(2016, 9, 3),
                "sex": Sex.BOY,
                "insurance_company": "MACIF",
                "insurance_number": "AB 98 76 54",
                **ALL_ALLOWED,
                "diet": Diet.NO_PORK,
                "dental_appliance": True,
                "vaccinations": [{"name": "DTPolio", "date": date(2016, 11, 3), "booster_date": date(2022, 9, 3)}],
                "contacts": [
                    {
                        "full_name": "ADERNO Lucien",
                        "mobile": "06 56 78 90 12",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            },
        ],
    },
    {
        "name": "BLMAN",
        "code": "BLMAN2026",
        "file": {
            **BOULOGNE,
            "address_line": "7 rue Gallieni",
            "address_complement": "Bâtiment B, 3e étage",
            "quotient": 1210,
            "allocataire_number": "2468135",
            "dependants": 1,
            "account_holder": "M. Matthieu BLMAN",
            "iban": "FR1420041010050500013M02606",
            "bic": "PSSTFRPPPAR",
        },
        "guardians": [
            {
                "civility": Civility.MR,
                "first_name": "Matthieu",
                "last_name": "BLMAN",
                "family_situation": FamilySituation.PACS,
                "quality": Quality.FATHER,
                "email": "matthieu.blman@example.org",
                "mobile": "07 12 34 56 78",
                "accepts_email": True,
                "accepts_sms": False,
            }
        ],
        "children": [
            {
                "first_name": "Annette",
                "birth_date": date(2013, 3, 8),
                "sex": Sex.GIRL,
                "insurance_company": "Groupama",
                "insurance_number": "5 678 901",
                **ALL_ALLOWED,
                "hearing_aid": True,
                "allergies": "Pollen de graminées (rhume des foins au printemps).",
                "vaccinations": [{"name": "DTPolio", "date": date(2013, 5, 8), "booster_date": date(2019, 3, 8)}],
                "contacts": [
                    {
                        "full_name": "BLMAN Odile",
                        "mobile": "06 11 22 33 44",
                        "phone": "01 47 12 34 56",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            }
        ],
    },
]


def _fill(model, lookup: dict, values: dict):
    """The row found by `lookup`, created with `values`; a row already there only gets its empty fields filled,
    so that what the demo changed since (an accepted request) stays."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**{**values, **lookup})
    empty = [
        name for name, value in values.items() if getattr(instance, name) in ("", None) and value not in ("", None)
    ]
    for name in empty:
        setattr(instance, name, values[name])
    if empty:
        instance.save(update_fields=empty)
    return instance


def load():
    for spec in FAMILIES:
        family = Family.objects.filter(subscriber_code=spec["code"]).first()
        if family is None:
            family = services.family_import(name=spec["name"], subscriber_code=spec["code"], source="démonstration")
        _fill(Family, {"pk": family.pk}, spec["file"])
        for position, guardian in enumerate(spec["guardians"], start=1):
            values = {name: value for name, value in guardian.items() if name not in ("first_name", "last_name")}
            _fill(
                Guardian,
                {"family": family, "first_name": guardian["first_name"], "last_name": guardian["last_name"]},
                {**values, "position": position},
            )
        for child_spec in spec["children"]:
            values = {
                name: value
                for name, value in child_spec.items()
                if name not in ("first_name", "vaccinations", "contacts")
            }
            child = _fill(
                Child, {"family": family, "first_name": child_spec["first_name"]}, {"last_name": spec["name"], **values}
            )
            for vaccination in child_spec["vaccinations"]:
                _fill(Vaccination, {"child": child, "name": vaccination["name"]}, vaccination)
            for contact in child_spec["contacts"]:
                _fill(AuthorizedContact, {"child": child, "full_name": contact["full_name"]}, contact)
