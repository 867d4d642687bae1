"""The bank's files of direct debit: the pain.008.001.02 a lot is sent as (written with sepaxml, validated against the
ISO 20022 schema kept in espace_facturation/schemas/ with lxml), and the pain.002 status report it answers with.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from lxml import etree
from sepaxml import SepaDD

from .exceptions import BillingError

SCHEMA = "pain.008.001.02"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / f"{SCHEMA}.xsd"
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}


@dataclass(frozen=True)
class Debit:
    end_to_end_id: str
    amount: Decimal
    sequence: str  # FRST or RCUR
    mandate_reference: str
    mandate_signed_on: date
    debtor: str
    iban: str
    bic: str
    description: str


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def validate(xml: bytes) -> None:
    """Raise BillingError, in French, if the file does not follow the pain.008.001.02 schema. The whole file is
    checked by libxml2 (lxml): a pure-Python validator (xmlschema) takes 10 to 20 s for a lot of 5,000 debits."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        raise BillingError(f"Le fichier de prélèvement n'est pas un XML valide : {error}") from error
    schema = _schema()
    if not schema.validate(document):
        raise BillingError(
            f"Le fichier de prélèvement ne respecte pas le format {SCHEMA} : {schema.error_log.last_error.message}"
        )


def pain008(
    *,
    message_id: str,
    creditor: str,
    creditor_id: str,
    iban: str,
    bic: str,
    collection_date: date,
    debits: list[Debit],
) -> bytes:
    """The file of a lot, grouped by sequence type (FRST, RCUR), checked against the schema."""
    if not debits:
        raise BillingError("Ce lot ne contient aucun prélèvement.")
    sepa = SepaDD(
        {"name": creditor, "IBAN": iban, "BIC": bic, "batch": True, "creditor_id": creditor_id, "currency": "EUR"},
        schema=SCHEMA,
    )
    sepa.msg_id = message_id
    sepa._xml.find("CstmrDrctDbtInitn/GrpHdr/MsgId").text = message_id
    for debit in debits:
        sepa.add_payment(
            {
                "name": debit.debtor,
                "IBAN": debit.iban,
                "BIC": debit.bic,
                "amount": int((debit.amount * 100).to_integral_value()),
                "type": debit.sequence,
                "collection_date": collection_date,
                "mandate_id": debit.mandate_reference,
                "mandate_date": debit.mandate_signed_on,
                "description": debit.description,
                "endtoend_id": debit.end_to_end_id,
            }
        )
    xml = sepa.export(validate=False)
    validate(xml)
    return xml


@dataclass(frozen=True)
class Summary:
    """What a pain.008 says, read back: for the checks of the lot page and the tests."""

    message_id: str
    count: int
    control_sum: Decimal
    sequences: dict[str, int]
    end_to_end_ids: list[str]


def read_pain008(xml: bytes | str) -> Summary:
    root = ElementTree.fromstring(xml)
    header = root.find("p:CstmrDrctDbtInitn/p:GrpHdr", NS)
    sequences: dict[str, int] = {}
    for info in root.iterfind("p:CstmrDrctDbtInitn/p:PmtInf", NS):
        kind = info.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS)
        sequences[kind] = sequences.get(kind, 0) + len(info.findall("p:DrctDbtTxInf", NS))
    return Summary(
        message_id=header.findtext("p:MsgId", namespaces=NS),
        count=int(header.findtext("p:NbOfTxs", namespaces=NS)),
        control_sum=Decimal(header.findtext("p:CtrlSum", namespaces=NS)),
        sequences=sequences,
        end_to_end_ids=[e.text for e in root.iterfind(".//p:DrctDbtTxInf/p:PmtId/p:EndToEndId", NS)],
    )


@dataclass(frozen=True)
class Rejection:
    end_to_end_id: str
    reason: str


def read_pain002(content: bytes) -> list[Rejection]:
    """The rejected transactions of a bank's status report (pain.002, any version): each OrgnlEndToEndId whose
    TxSts is RJCT, with its reason code. A file that is not a status report raises BillingError."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise BillingError("Ce fichier n'est pas un fichier XML lisible.") from error
    if "pain.002" not in root.tag:
        raise BillingError("Ce fichier n'est pas un retour de prélèvement de la banque (pain.002).")
    ns = {"p": root.tag[1:].split("}")[0]}
    rejections = []
    group_rejected = root.findtext(".//p:OrgnlGrpInfAndSts/p:GrpSts", namespaces=ns) == "RJCT"
    for info in root.iterfind(".//p:TxInfAndSts", ns):
        status = info.findtext("p:TxSts", namespaces=ns) or ("RJCT" if group_rejected else "")
        if status != "RJCT":
            continue
        rejections.append(
            Rejection(
                end_to_end_id=(info.findtext("p:OrgnlEndToEndId", namespaces=ns) or "").strip(),
                reason=(info.findtext("p:StsRsnInf/p:Rsn/p:Cd", namespaces=ns) or "").strip(),
            )
        )
    return rejections
