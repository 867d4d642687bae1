"""Every service that writes checks who acts, or says why nobody's permission applies: a static inventory of the
public write functions of the service modules, so that a new writer without an actor check fails here."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every public function of a service module that writes (an ORM write or an audit entry, itself or through what
# it calls) must reach a PermissionDenied (has_perm, check_family_member, record_save...) before it writes, or be
# listed in NO_ACTOR_CHECK with the reason no person's permission applies. The scan follows calls within a module
# and through the modules it imports; a refusal is a `raise PermissionDenied` somewhere on the way.

PACKAGES = ("espace_famille", "espace_facturation", "notifications", "commun", "home")
# Writers that are not named services.py: the planning's registers, cancellations and basket, billing's payments and
# credits, and the admin's shared record writes.
WRITER_MODULES = (
    "commun.admin_services",
    "commun.retention",
    "espace_famille.planning.registers",
    "espace_famille.planning.attendance",
    "espace_famille.planning.cancellation",
    "espace_famille.planning.basket",
    "espace_famille.planning.waiting_list",
    "espace_famille.planning.calendar_feed",
    "espace_facturation.payments",
    "espace_facturation.credits",
    "espace_facturation.certificates",
    "espace_facturation.reminders",
    "espace_facturation.mandates",
    "espace_facturation.debits",
    "espace_facturation.debit_returns",
)
ORM_WRITES = {
    "save",
    "create",
    "bulk_create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_update",
    "create_user",
}

# "module:function": why no person's permission is checked. Keep it short: a new writer belongs here only if no
# person acts (a worker, the bank, a command) or if the person can only ever act on their own account.
NO_ACTOR_CHECK = {
    # The account holder on their own account: the function takes only that user.
    "espace_famille.comptes.services:signup_code_store": "the new account keeps the code it typed",
    "espace_famille.comptes.services:signup_code_apply": "the account whose e-mail was just confirmed",
    "espace_famille.comptes.services:signup_code_failure_acknowledge": "the account reads its own notice",
    "espace_famille.comptes.services:profile_update": "the account edits its own profile",
    "espace_famille.comptes.services:franceconnect_account_create": "FranceConnect vouched for the person",
    "espace_famille.comptes.services:franceconnect_link": "the account proved its password",
    "espace_famille.comptes.services:franceconnect_login_record": "the login just made",
    "espace_famille.comptes.services:franceconnect_unlink": "the account unlinks itself",
    "espace_famille.demandes.services:request_mark_read": "the family opened its request (the view finds it)",
    # The system: workers, the bank, commands run on the server.
    "espace_famille.dossier.services:family_import": "a command imports the municipality's own files",
    "espace_famille.dossier.services:subscription_import": "a command imports the municipality's own accounts",
    "espace_famille.planning.waiting_list:announce": "the freed place goes to the first in line",
    "espace_famille.justificatifs.services:expiry_reminders_send": "a scheduled task",
    "espace_facturation.reminders:reminders_send": "the daily task (or the relances command) of 08:30",
    "espace_facturation.payments:online_payment_link": "the bank's identifier of a started payment",
    "espace_facturation.payments:online_payment_expire": "the bank's page expired",
    "espace_facturation.payments:online_payment_notify": "the bank's confirmation is the actor",
    "espace_facturation.payments:online_payments_close_stale": "the bank's page expired",
    "notifications.services:queue": "in the transaction of the checked service that causes the e-mail",
    "notifications.services:queue_many": "in the transaction of the checked service that causes the e-mails",
    "notifications.services:outbox_send": "the worker sends what the outbox holds",
    "notifications.services:outbox_send_many": "the workers send a batch of what the outbox holds",
    "notifications.services:sms_queue_many": "in the transaction of the checked service that causes the SMS",
    "notifications.services:sms_send": "the worker sends what the SMS outbox holds",
    "notifications.services:sms_sweep": "the periodic sweep of the SMS outbox",
    "commun.retention:family_anonymise": "the retention task, past the legal period",
    "commun.retention:anonymise_inactive_families": "the retention task",
    "commun.retention:apply_period": "the retention task",
    "commun.retention:purge_rows": "the retention task",
    "commun.retention:run": "the retention task",
    "notifications.services:outbox_sweep": "the periodic sweep of the outbox",
    # Building blocks, called only inside the transaction of a service that checked its actor.
    "espace_facturation.services:next_number": "inside credit_note_issue and the invoicing issue",
    "espace_facturation.credits:credit_add": "inside a payment or a credit note (refuses outside a transaction)",
    "espace_facturation.credits:credit_use": "inside the invoicing issue",
    "espace_facturation.debits:debit_notices_send": "the daily job tells families of their debits",
    "espace_facturation.debits:batches_settle": "the daily job: the bank kept the money past the debit date",
    "espace_famille.planning.cancellation:withdraw": "inside booking_request_submit",
    "espace_famille.planning.cancellation:request_days_withdraw": "the planning handler of request_withdraw",
    "espace_famille.planning.waiting_list:waiting_list_refill": "inside activity_save",
    # Decisions on requests: demandes.request_decide / requests_decide check the actor, then run the kind's handler,
    # which calls these, and write what they return (request_decide refuses a decision with no audit entry).
    "espace_famille.demandes.services:decision_record": "inside request_decide",
    "espace_famille.demandes.services:records_write": "inside request_decide and requests_decide",
    "espace_famille.demandes.services:requests_decide_by_rules": "inside booking_request_submit: the rules decide",
    "espace_famille.planning.services:booking_days_decide": "the planning handler of request_decide",
    "espace_famille.planning.services:booking_requests_batch_decide": "the planning handler of requests_decide",
    "espace_famille.justificatifs.services:documents_apply": "the documents handler of request_decide",
    "espace_famille.modifications.services:file_apply": "the family-file handler of request_decide",
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


class _Module:
    def __init__(self, name: str, tree: ast.Module, package: str):
        self.name, self.functions, self.aliases = name, {}, {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                for alias in node.names:
                    # `from x import y`: y is a module or a function of x, resolved when used.
                    self.aliases[alias.asname or alias.name] = (base, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = (alias.name, None)


def _modules() -> dict[str, _Module]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = _module_name(path)
            package_name = name if path.name == "__init__.py" else name.rpartition(".")[0]
            modules[name] = _Module(name, ast.parse(path.read_text()), package_name)
    return modules


def _callees(modules, module: _Module, function: ast.FunctionDef):
    """The functions of the portal this one calls, as (module, function name)."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                yield module.name, func.id
            elif func.id in module.aliases:
                base, name = module.aliases[func.id]
                if name and base in modules and name in modules[base].functions:
                    yield base, name
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in module.aliases:
            base, name = module.aliases[func.value.id]
            target = f"{base}.{name}" if name else base
            if target in modules and func.attr in modules[target].functions:
                yield target, func.attr


def _direct(function: ast.FunctionDef) -> tuple[bool, bool]:
    """Whether the function itself writes (an ORM write, an audit entry) and itself refuses (PermissionDenied)."""
    writes = refuses = False
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            writes = writes or name in ORM_WRITES or name == "log"
        elif isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            refuses = refuses or getattr(exc, "id", getattr(exc, "attr", "")) == "PermissionDenied"
    return writes, refuses


def service_writers_without_actor_check() -> dict[str, bool]:
    """Every public write function of the service modules: {"module:function": whether it checks its actor}."""
    modules = _modules()
    memo: dict[tuple[str, str], tuple[bool, bool]] = {}

    def reach(key, seen=()):
        if key in memo:
            return memo[key]
        if key in seen:
            return False, False
        module = modules[key[0]]
        writes, refuses = _direct(module.functions[key[1]])
        for callee in _callees(modules, module, module.functions[key[1]]):
            more_writes, more_refuses = reach(callee, (*seen, key))
            writes, refuses = writes or more_writes, refuses or more_refuses
        memo[key] = writes, refuses
        return writes, refuses

    found = {}
    for name, module in modules.items():
        last = name.rpartition(".")[2]
        if not (last == "services" or ".services." in f"{name}." or name in WRITER_MODULES):
            continue
        for function in module.functions:
            if function.startswith("_"):
                continue
            writes, refuses = reach((name, function))
            if writes:
                found[f"{name}:{function}"] = refuses
    return found


def test_every_service_that_writes_checks_who_acts_or_says_why_nobody_does():
    writers = service_writers_without_actor_check()
    unchecked = sorted(name for name, checks in writers.items() if not checks and name not in NO_ACTOR_CHECK)

    assert unchecked == [], "a service writes without checking its actor (has_perm, check_family_member...)"
    assert sorted(set(NO_ACTOR_CHECK) - set(writers)) == [], "NO_ACTOR_CHECK names a writer that is gone"


def test_the_inventory_finds_the_checked_and_the_unchecked_writers():
    writers = service_writers_without_actor_check()

    # Checked directly, through a helper of the same module, and through another module's check.
    assert writers["espace_facturation.credits:credit_refund"] is True
    assert writers["espace_facturation.services:invoice_issue"] is True
    assert writers["espace_famille.planning.registers:register_delete"] is True
    assert writers["espace_facturation.payments:payment_record"] is True
    # The bank's confirmation writes a payment and checks nobody: it is listed, with its reason.
    assert writers["espace_facturation.payments:online_payment_notify"] is False
    # Reads are not writers.
    assert "espace_famille.dossier.services:_check_file_record" not in writers
