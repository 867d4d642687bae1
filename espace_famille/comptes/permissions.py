"""The staff groups of the Wagtail admin and what each may do (idempotent)."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

INSTRUCTORS = "Instructeurs"
COMMUNICATION = "Chargés de communication"
REGISSEURS = "Régisseurs"
# Apps (by label) that grant their own permissions: each has a `permissions.GROUP_PERMISSIONS`,
# {group name: [(app label, codename), ...]}.
APPS_WITH_PERMISSIONS = ("espace_facturation", "justificatifs", "creche")


def _perms(*codenames_by_app: tuple[str, str]) -> list[Permission]:
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codenames_by_app
    ]


def ensure_staff_groups() -> list[Group]:
    instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    instructors.permissions.add(
        *_perms(
            ("wagtailadmin", "access_admin"),
            *[
                ("espace_famille", f"{action}_{model}")
                for model in ("family", "guardian", "child", "subscription")
                for action in ("view", "add", "change")
            ],
            # A child's vaccines and authorised adults are rows staff add, correct and remove.
            *[
                ("espace_famille", f"{action}_{model}")
                for model in ("vaccination", "authorizedcontact")
                for action in ("view", "add", "change", "delete")
            ],
            # The planning: reference data is read (the administrator edits it), enrolments are managed,
            # bookings are read (the day sheet) and change through the decisions on requests.
            *[("espace_famille", f"view_{model}") for model in ("facility", "activity", "closure", "booking")],
            *[("espace_famille", f"{action}_enrolment") for action in ("view", "add", "change", "delete")],
            # Requests are viewed and decided (the change permission), never created or deleted by staff.
            ("espace_famille", "view_request"),
            ("espace_famille", "change_request"),
            ("espace_facturation", "view_invoice"),
            ("espace_facturation", "view_regie"),
        )
    )

    communication, _ = Group.objects.get_or_create(name=COMMUNICATION)
    communication.permissions.add(
        *_perms(
            ("wagtailadmin", "access_admin"),
            ("notifications", "view_emailtemplate"),
            ("notifications", "add_emailtemplate"),
            ("notifications", "change_emailtemplate"),
            ("home", "change_siteidentity"),
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_page if site else Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=communication,
            page=root,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    collection = Collection.get_first_root_node()
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for action in ("add", "change", "choose"):
            GroupCollectionPermission.objects.get_or_create(
                group=communication,
                collection=collection,
                permission=Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}"),
            )
    regisseurs, _ = Group.objects.get_or_create(name=REGISSEURS)
    groups = {group.name: group for group in (instructors, communication, regisseurs)}
    for label in APPS_WITH_PERMISSIONS:
        granted = import_module(f"{apps.get_app_config(label).name}.permissions").GROUP_PERMISSIONS
        for group_name, codenames in granted.items():
            groups[group_name].permissions.add(*_perms(*codenames))
    return [instructors, communication, regisseurs]
