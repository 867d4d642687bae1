"""The staff groups of the Wagtail admin made exactly the table of roles (`roles.ROLES`), idempotently.

The work is done on the models of an app registry passed in (`roles_sync_in`): the data migration passes its
historical registry, so that it keeps running whatever the live models become; `roles_sync` passes the live one.
"""

from dataclasses import dataclass, field

from django.apps import apps as live_apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import get_active_log_context

from espace_famille.comptes.roles import (
    ADMINISTRATORS,
    COMMUNICATION,
    ENGLISH_GROUPS,
    ENGLISH_WORKFLOW_NAME,
    INSTRUCTORS,
    REGISSEURS,
    ROLES,
    WORKFLOW_NAME,
    Role,
)

__all__ = ["ADMINISTRATORS", "COMMUNICATION", "INSTRUCTORS", "REGISSEURS", "ensure_staff_groups", "roles_sync"]


@dataclass
class RoleChange:
    """What one sync did to one group (a role, or an English group it replaced)."""

    group: str
    created: bool = False
    deleted: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    members_moved_to: str = ""
    members_moved: int = 0
    pk: int | None = None

    def __bool__(self) -> bool:
        return self.created or self.deleted or bool(self.added or self.removed)


def _label(permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


class _Sync:
    def __init__(self, apps, *, by, strict: bool):
        self.model = apps.get_model
        self.by_id = getattr(by, "pk", None)
        self.strict = strict
        permissions = self.model("auth", "Permission").objects.select_related("content_type")
        self.permissions = {(p.content_type.app_label, p.codename): p for p in permissions}

    def _permission(self, key: tuple[str, str]):
        permission = self.permissions.get(key)
        if permission is None and self.strict:
            raise LookupError(f"La permission {key[0]}.{key[1]} du tableau des rôles n'existe pas.")
        return permission

    def _wanted(self, role: Role) -> dict[int, object]:
        wanted = [self._permission(key) for key in role.permissions]
        wanted += [p for (app, _), p in self.permissions.items() if app in role.apps]
        return {p.pk: p for p in wanted if p is not None}

    def role(self, group, role: Role, *, root_page, root_collection, change: RoleChange) -> None:
        wanted = self._wanted(role)
        current = {p.pk: p for p in group.permissions.select_related("content_type")}
        group.permissions.add(*[wanted[pk] for pk in wanted.keys() - current.keys()])
        group.permissions.remove(*[current[pk] for pk in current.keys() - wanted.keys()])
        change.added += sorted(_label(wanted[pk]) for pk in wanted.keys() - current.keys())
        change.removed += sorted(_label(current[pk]) for pk in current.keys() - wanted.keys())
        for model_name, target, keys, place in (
            ("GroupPagePermission", root_page, [("wagtailcore", c) for c in role.page_permissions], "pages"),
            ("GroupCollectionPermission", root_collection, role.collection_permissions, "collection"),
        ):
            self._object_permissions(group, model_name, target, keys, place, change)

    def _object_permissions(self, group, model_name, target, keys, place, change: RoleChange) -> None:
        model = self.model("wagtailcore", model_name)
        target_field = "page_id" if model_name == "GroupPagePermission" else "collection_id"
        wanted = {p.pk: p for p in map(self._permission, keys) if p is not None} if target is not None else {}
        rows = model.objects.filter(group=group).select_related("permission__content_type")
        for row in rows:
            if getattr(row, target_field) == getattr(target, "pk", None) and row.permission_id in wanted:
                del wanted[row.permission_id]
            else:
                row.delete()
                change.removed.append(f"{_label(row.permission)} ({place} n° {getattr(row, target_field)})")
        for permission in wanted.values():
            model.objects.create(group=group, permission=permission, **{target_field: target.pk})
            change.added.append(f"{_label(permission)} ({place})")

    def english_group(self, group, role_group) -> RoleChange:
        user_model = self.model(*settings.AUTH_USER_MODEL.split("."))
        members = list(user_model.objects.filter(groups=group).exclude(groups=role_group))
        for member in members:
            member.groups.add(role_group)
        # Wagtail's default moderation task approves with «Moderators»: the French role approves instead.
        for task in self.model("wagtailcore", "GroupApprovalTask").objects.filter(groups=group):
            task.groups.add(role_group)
        change = RoleChange(
            group.name, deleted=True, members_moved_to=role_group.name, members_moved=len(members), pk=group.pk
        )
        group.delete()
        return change

    def workflow_names(self) -> None:
        """Wagtail's default workflow and its task, «Moderators approval», named after the French role, whether
        or not the English group is still there (one deleted by hand left the English name behind)."""
        for model_name in ("Task", "Workflow"):
            objects = self.model("wagtailcore", model_name).objects
            objects.filter(name=ENGLISH_WORKFLOW_NAME).update(name=WORKFLOW_NAME)

    def audit(self, changes: list[RoleChange]) -> None:
        """One wagtail log entry per group changed, the rows `wagtail.log_actions.log` writes."""
        content_type = self.model("contenttypes", "ContentType").objects.get_or_create(app_label="auth", model="group")
        context = get_active_log_context()
        self.model("wagtailcore", "ModelLogEntry").objects.bulk_create(
            self.model("wagtailcore", "ModelLogEntry")(
                content_type=content_type[0],
                object_id=str(change.pk),
                label=change.group,
                action="wagtail.delete" if change.deleted else "wagtail.create" if change.created else "wagtail.edit",
                data={
                    "permissions_added": change.added,
                    "permissions_removed": change.removed,
                    "members_moved_to": change.members_moved_to,
                    "members_moved": change.members_moved,
                },
                content_changed=True,
                deleted=change.deleted,
                timestamp=timezone.now(),
                user_id=self.by_id or getattr(context.user, "pk", None),
                uuid=context.uuid,
            )
            for change in changes
        )


def roles_sync_in(apps, *, by=None, strict: bool = True) -> list[RoleChange]:
    """Make the groups of the roles exactly the table, on the models of `apps` (live or historical): missing groups
    and permissions are created, permissions no longer in the table removed, Wagtail's «Editors» and «Moderators»
    replaced by their French role (members moved, group deleted). Returns the groups changed, each audited.
    `strict=False` (the data migration) skips permissions of models that do not exist yet."""
    group_model = apps.get_model("auth", "Group")
    root_page = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).order_by("path").first()
    root_collection = apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).order_by("path").first()
    names = [role.name for role in ROLES] + list(ENGLISH_GROUPS)
    locked = {group.name: group for group in group_model.objects.select_for_update().filter(name__in=names)}
    sync = _Sync(apps, by=by, strict=strict)
    changes, groups = [], {}
    for role in ROLES:
        group = locked.get(role.name) or group_model.objects.create(name=role.name)
        groups[role.name] = group
        change = RoleChange(role.name, created=role.name not in locked, pk=group.pk)
        sync.role(group, role, root_page=root_page, root_collection=root_collection, change=change)
        changes.append(change)
    for english, french in ENGLISH_GROUPS.items():
        if english in locked:
            changes.append(sync.english_group(locked[english], groups[french]))
    sync.workflow_names()
    changes = [change for change in changes if change]
    sync.audit(changes)
    return changes


def roles_grant_model_in(apps, *, app_label: str, model: str) -> list[RoleChange]:
    """Give each role's existing group what the table grants it on one new model, removing nothing: the data
    migration that adds a model with its own permissions calls this on its historical registry, after the roles'
    migration ran without them. Groups that do not exist are left to `sync_roles`."""
    sync = _Sync(apps, by=None, strict=False)
    group_model = apps.get_model("auth", "Group")
    changes = []
    for role in ROLES:
        group = group_model.objects.filter(name=role.name).first()
        if group is None:
            continue
        wanted = {
            pk: permission
            for pk, permission in sync._wanted(role).items()
            if (permission.content_type.app_label, permission.content_type.model) == (app_label, model)
        }
        missing = wanted.keys() - set(group.permissions.values_list("pk", flat=True))
        if missing:
            group.permissions.add(*[wanted[pk] for pk in missing])
            changes.append(RoleChange(role.name, added=sorted(_label(wanted[pk]) for pk in missing), pk=group.pk))
    sync.audit(changes)
    return changes


def roles_sync(*, by: AbstractUser | None = None) -> list[RoleChange]:
    """The live roles made exactly the table (see `roles_sync_in`). `by` is None for the system (the command, the
    demo); a person must be a superuser."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied("Seul un super-utilisateur peut remettre les rôles des agents à leur définition.")
    with transaction.atomic():
        return roles_sync_in(live_apps, by=by)


def ensure_staff_groups() -> list[Group]:
    """The groups of the roles, made exactly the table: Instructeurs, Chargés de communication, Régisseurs,
    Administrateurs."""
    roles_sync()
    groups = {group.name: group for group in Group.objects.filter(name__in=[role.name for role in ROLES])}
    return [groups[role.name] for role in ROLES]
