"""The staff roles of the Wagtail admin: one table, the only definition of what each role may do.

Pure data (no model is imported): the data migration that creates the roles on a fresh install and the
`sync_roles` command that brings them back to this table after an upgrade both read it. A role is a Django group
of the same name; `espace_famille.comptes.permissions.roles_sync` makes the groups exactly this table.
"""

from dataclasses import dataclass
from importlib import import_module

INSTRUCTORS = "Instructeurs"
COMMUNICATION = "Chargés de communication"
REGISSEURS = "Régisseurs"
ADMINISTRATORS = "Administrateurs"

# The apps of the portal, by label: an administrator holds every permission of their models.
PORTAL_APPS = (
    "commun",
    "home",
    "espace_famille",
    "justificatifs",
    "creche",
    "messagerie",
    "espace_facturation",
    "notifications",
)
# Wagtail's admin, pages, sites, collections, workflows, images, documents, redirects and form submissions.
WAGTAIL_APPS = ("wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects", "wagtailforms")
# Apps that grant their own permissions to the roles, by module: each has a `GROUP_PERMISSIONS`,
# {role name: [(app label, codename), ...]}.
APP_PERMISSION_MODULES = (
    "espace_facturation.permissions",
    "espace_famille.justificatifs.permissions",
    "espace_famille.creche.permissions",
    "espace_famille.messagerie.permissions",
)
# Wagtail's page permissions (`wagtail.models.pages.PAGE_PERMISSION_TYPES`), codenames of wagtailcore.
ALL_PAGE_PERMISSIONS = ("add_page", "bulk_delete_page", "change_page", "lock_page", "publish_page", "unlock_page")

# Wagtail's own default groups, replaced by the French role that does the same work: their members join it.
ENGLISH_GROUPS = {"Editors": COMMUNICATION, "Moderators": ADMINISTRATORS}
# Wagtail's default moderation workflow and its task, named after «Moderators», renamed after the role.
ENGLISH_WORKFLOW_NAME = "Moderators approval"
WORKFLOW_NAME = "Validation par les Administrateurs"


@dataclass(frozen=True)
class Role:
    name: str
    # (app label, codename) of model permissions.
    permissions: tuple[tuple[str, str], ...] = ()
    # Every permission of these apps (app labels), whatever models they hold when the roles are synced.
    apps: tuple[str, ...] = ()
    # Wagtailcore page permissions (codenames) on the root of the page tree: they reach every page of every site.
    page_permissions: tuple[str, ...] = ()
    # (app label, codename) granted on the root collection: every image and document.
    collection_permissions: tuple[tuple[str, str], ...] = ()


def _crud(app: str, model: str, actions: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for action in actions]


_INSTRUCTORS = (
    ("wagtailadmin", "access_admin"),
    *[
        permission
        for model in ("family", "guardian", "child", "subscription")
        for permission in _crud("espace_famille", model, ("view", "add", "change"))
    ],
    # A child's vaccines and authorised adults are rows staff add, correct and remove.
    *[
        permission
        for model in ("vaccination", "authorizedcontact")
        for permission in _crud("espace_famille", model, ("view", "add", "change", "delete"))
    ],
    # The planning: reference data is read (the administrator edits it), enrolments are managed,
    # bookings are read (the day sheet) and change through the decisions on requests.
    *[("espace_famille", f"view_{model}") for model in ("facility", "activity", "closure", "booking")],
    *_crud("espace_famille", "enrolment", ("view", "add", "change", "delete")),
    # The attendance register: instructors mark who came on the day sheet.
    ("espace_famille", "view_attendance"),
    ("espace_famille", "mark_attendance"),
    # Requests are viewed and decided (the change permission), never created or deleted by staff.
    ("espace_famille", "view_request"),
    ("espace_famille", "change_request"),
    ("espace_facturation", "view_invoice"),
    ("espace_facturation", "view_regie"),
)

_COMMUNICATION = (
    ("wagtailadmin", "access_admin"),
    *_crud("notifications", "emailtemplate", ("view", "add", "change")),
    ("home", "change_siteidentity"),
)

_MEDIA = (
    *_crud("wagtailimages", "image", ("add", "change", "choose")),
    *_crud("wagtaildocs", "document", ("add", "change", "choose")),
)


def _with_app_grants(name: str, permissions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    granted = [
        tuple(permission)
        for module in APP_PERMISSION_MODULES
        for permission in import_module(module).GROUP_PERMISSIONS.get(name, ())
    ]
    return tuple(dict.fromkeys((*permissions, *granted)))


# A family's IBAN in full, through «Afficher l'IBAN» (each showing audited): régisseurs (direct debit) and
# administrators; instructors and everyone else read it masked.
_FULL_IBAN = (("espace_famille", "view_full_iban"),)

ROLES = (
    Role(INSTRUCTORS, permissions=_with_app_grants(INSTRUCTORS, _INSTRUCTORS)),
    Role(
        COMMUNICATION,
        permissions=_with_app_grants(COMMUNICATION, _COMMUNICATION),
        page_permissions=("add_page", "change_page", "publish_page"),
        collection_permissions=_MEDIA,
    ),
    Role(REGISSEURS, permissions=_with_app_grants(REGISSEURS, _FULL_IBAN)),
    # Everything the portal and Wagtail's admin offer, but not a superuser: no Django admin, no flag that
    # bypasses every check.
    Role(
        ADMINISTRATORS,
        permissions=_FULL_IBAN,
        apps=PORTAL_APPS + WAGTAIL_APPS,
        page_permissions=ALL_PAGE_PERMISSIONS,
        collection_permissions=(
            *_crud("wagtailimages", "image", ("add", "change", "choose", "delete")),
            *_crud("wagtaildocs", "document", ("add", "change", "choose", "delete")),
            *_crud("wagtailcore", "collection", ("add", "change", "delete")),
        ),
    ),
)
