"""The messages to families in the registry: what a family received goes with the family."""

from commun.personal_data import Delete, PersonalData, Section, WithFamily, register
from espace_famille.messagerie import export
from espace_famille.messagerie.models import FamilyMessage, FamilyMessageRecipient


def register_all() -> None:
    register(
        PersonalData(
            FamilyMessageRecipient,
            family="family",
            rules=(WithFamily(Delete()),),
            export=Section(
                "family_messages",
                export.collect,
                export.render,
                "les messages que le service vous a envoyés : date, objet et texte",
            ),
        ),
        # A message written to one family goes with it; a message to the families of an activity or a facility
        # names none of them (its families are the rows above) and stays in the service's record.
        PersonalData(FamilyMessage, family="family", rules=(WithFamily(Delete()),), export="family_messages"),
    )
