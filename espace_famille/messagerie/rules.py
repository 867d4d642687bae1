"""Pure rules of the messages to families: whom a family's message reaches by e-mail and by SMS, the number a phone
is reached at, how the audience reads, and the delivery state of a family. No database."""

from dataclasses import dataclass
from datetime import date

import phonenumbers

from commun import formats
from notifications import sms_text

# A period is a term at most: a message for a longer one goes to the families of the facility.
MAX_PERIOD_DAYS = 123
SUBJECT_MAX = 150
BODY_MAX = 5000

# Whom a message is for.
FAMILY, ACTIVITY, FACILITY = "famille", "activite", "structure"

# Delivery state of a family (or of a message): from its e-mails and SMS in the outbox.
SENT, FAILED, PENDING, NONE = "sent", "failed", "pending", "none"
STATE_LABELS = {
    SENT: "Envoyé",
    FAILED: "En échec",
    PENDING: "En attente",
    NONE: "Sans envoi (Mes messages seulement)",
}


@dataclass(frozen=True)
class Person:
    """A guardian of the family file or an account subscribed to it, as a message sees them."""

    civility: str
    first_name: str
    last_name: str
    email: str = ""
    accepts_email: bool = True
    mobile: str = ""
    accepts_sms: bool = False

    @property
    def context(self) -> dict:
        """The placeholders every e-mail offers about its recipient."""
        last = self.last_name.upper()
        full = " ".join(part for part in (self.civility, self.first_name, last) if part)
        return {"civilite": self.civility, "prenom": self.first_name, "nom": last, "nom_complet": full}


@dataclass(frozen=True)
class Reach:
    """How one family is reached: (address, person) by e-mail, (number in E.164, person) by SMS, and the mobile
    numbers of guardians who accept SMS that no phone can receive."""

    emails: tuple[tuple[str, Person], ...] = ()
    sms: tuple[tuple[str, Person], ...] = ()
    bad_numbers: tuple[tuple[str, Person], ...] = ()


def mobile_e164(raw: str, region: str = "FR") -> str | None:
    """The number an SMS is sent to («+33612345678»), or None when it is not a valid mobile number."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def reach(*, guardians: list[Person], accounts: list[Person], by_email: bool, by_sms: bool) -> Reach:
    """Whom a message to this family reaches.

    By e-mail: the guardians of the file who accept e-mails («Accepte de recevoir des emails») and have an
    address, then the accounts subscribed to the family (the parents who use the portal, who get its e-mails
    already); each address once, and never an address a guardian refused e-mails for.
    By SMS: the guardians who accept SMS («Accepte de recevoir des SMS») at their mobile number; each number once.
    """
    emails, sms, bad = [], [], []
    if by_email:
        refused = {g.email.strip().lower() for g in guardians if g.email.strip() and not g.accepts_email}
        seen = set(refused)
        for person in [g for g in guardians if g.accepts_email] + list(accounts):
            address = person.email.strip()
            if address and address.lower() not in seen:
                seen.add(address.lower())
                emails.append((address, person))
    if by_sms:
        seen = set()
        for guardian in guardians:
            if not (guardian.accepts_sms and guardian.mobile.strip()):
                continue
            number = mobile_e164(guardian.mobile)
            if number is None:
                bad.append((guardian.mobile, guardian))
            elif number not in seen:
                seen.add(number)
                sms.append((number, guardian))
    return Reach(emails=tuple(emails), sms=tuple(sms), bad_numbers=tuple(bad))


@dataclass(frozen=True)
class Audience:
    """What the author chose: one family; an activity on a day or a period (the families of a child holding a
    place); a facility (the families of a child enrolled in one of its activities on that day or period)."""

    kind: str
    family: object = None
    activity: object = None
    facility: object = None
    start: date | None = None
    end: date | None = None

    @property
    def last_day(self) -> date | None:
        return self.end or self.start

    @property
    def label(self) -> str:
        if self.kind == FAMILY:
            return str(self.family)
        period = period_label(self.start, self.end)
        if self.kind == ACTIVITY:
            return f"Familles de l'activité {self.activity}, {period}"
        return f"Familles de la structure {self.facility} (enfants inscrits {period})"


def period_error(start: date | None, end: date | None) -> str:
    """Why a period cannot be used ("" when it can)."""
    if start is None:
        return "Indiquez le jour (ou le premier jour de la période)."
    if end is not None and end < start:
        return "La fin de la période doit suivre son début."
    if end is not None and (end - start).days >= MAX_PERIOD_DAYS:
        return f"Une période compte au plus {MAX_PERIOD_DAYS} jours : écrivez plutôt aux familles de la structure."
    return ""


def period_label(start: date, end: date | None) -> str:
    if end is None or end == start:
        return f"le {formats.date_numeric(start)}"
    return f"du {formats.date_numeric(start)} au {formats.date_numeric(end)}"


def sms_error(text: str) -> str:
    """Why this SMS cannot be sent ("" when it can): too long once in the GSM alphabet, or empty."""
    gsm = sms_text.to_gsm(text)
    if not gsm:
        return "Écrivez le texte du SMS."
    count = sms_text.units(gsm)
    if count > sms_text.MAX_UNITS:
        return (
            f"Le SMS fait {count} caractères : {sms_text.MAX_UNITS} au plus (2 SMS). "
            "Raccourcissez-le ; le texte complet part par e-mail et reste dans « Mes messages »."
        )
    return ""


def rollup(states: list[str]) -> str:
    """A family's delivery state from its e-mails' and SMS' states: one failure shows; then what waits."""
    if not states:
        return NONE
    if FAILED in states:
        return FAILED
    if PENDING in states:
        return PENDING
    return SENT
