"""The bank's files of direct debit: the pain.008.001.02 a lot is sent as (written with sepaxml, validated against the
ISO 20022 schema kept in espace_facturation/schemas/ with lxml), and the returns the bank answers with: the pain.002
status report (rejects before the collection date) and the camt.054 debit notification (returns booked after it; a
camt.053 statement reads the same way).
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
    on: date | None = None  # the day the bank booked (camt) or reported (pain.002) it


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _root(content: bytes):
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise BillingError("Ce fichier n'est pas un fichier XML lisible.") from error


def read_return(content: bytes) -> list[Rejection]:
    """The rejected debits of a bank's return file, whichever its kind (pain.002, camt.054, camt.053)."""
    root = _root(content)
    if "camt.054" in root.tag or "camt.053" in root.tag:
        return _read_camt(root)
    return _read_pain002(root)


def _read_pain002(root) -> list[Rejection]:
    """The rejected transactions of a bank's status report (pain.002, any version): each OrgnlEndToEndId whose
    TxSts is RJCT, with its reason code. A file that is not a return raises BillingError."""
    if "pain.002" not in root.tag:
        raise BillingError("Ce fichier n'est pas un retour de prélèvement de la banque (pain.002 ou camt.054).")
    ns = {"p": root.tag[1:].split("}")[0]}
    on = _day(root.findtext(".//p:GrpHdr/p:CreDtTm", namespaces=ns))
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
                on=on,
            )
        )
    return rejections


def _read_camt(root) -> list[Rejection]:
    """The returned debits of a bank-to-customer notification (camt.054) or statement (camt.053), any version: each
    transaction with return information (RtrInf), its EndToEndId, reason code and the entry's booking date. The lot's
    own credit, with no return information, is not a rejection."""
    ns = {"c": root.tag[1:].split("}")[0]}
    rejections = []
    for entry in root.iterfind(".//c:Ntry", ns):
        on = _day(
            entry.findtext("c:BookgDt/c:Dt", namespaces=ns)
            or entry.findtext("c:BookgDt/c:DtTm", namespaces=ns)
            or entry.findtext("c:ValDt/c:Dt", namespaces=ns)
        )
        for details in entry.iterfind("c:NtryDtls/c:TxDtls", ns):
            returned = details.find("c:RtrInf", ns)
            if returned is None:
                continue
            rejections.append(
                Rejection(
                    end_to_end_id=(details.findtext("c:Refs/c:EndToEndId", namespaces=ns) or "").strip(),
                    reason=(returned.findtext("c:Rsn/c:Cd", namespaces=ns) or "").strip(),
                    on=on,
                )
            )
    return rejections
