"""The staff roles exist from `migrate` on, exactly as their table says, and `sync_roles` brings them back to it."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    ModelLogEntry,
    Page,
    Workflow,
)

from espace_famille.comptes.permissions import roles_sync
from espace_famille.comptes.roles import ADMINISTRATORS, COMMUNICATION, INSTRUCTORS, REGISSEURS, ROLES
from tests.factories import UserFactory

FRENCH_ROLES = {INSTRUCTORS, COMMUNICATION, REGISSEURS, ADMINISTRATORS}


def labels(group: Group) -> set[str]:
    return {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def expected(role) -> set[str]:
    explicit = {f"{app}.{codename}" for app, codename in role.permissions}
    whole_apps = Permission.objects.filter(content_type__app_label__in=role.apps)
    return explicit | {f"{p.content_type.app_label}.{p.codename}" for p in whole_apps.select_related("content_type")}


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_roles_and_moves_the_members_of_wagtails_english_groups():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("espace_famille", "0008_franceconnect_identity")])
    Group.objects.all().delete()  # a database that never had the roles
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.create(name="Editors"))
    Group.objects.create(name="Moderators")

    MigrationExecutor(connection).migrate(latest)

    assert list(editor.groups.values_list("name", flat=True)) == [COMMUNICATION]
    assert_the_roles_are_the_table()
    assert ModelLogEntry.objects.filter(label=INSTRUCTORS, action="wagtail.create").exists()


def assert_the_roles_are_the_table():
    assert set(Group.objects.values_list("name", flat=True)) == FRENCH_ROLES
    for role in ROLES:
        assert labels(Group.objects.get(name=role.name)) == expected(role), role.name
    instructors = labels(Group.objects.get(name=INSTRUCTORS))
    assert {"wagtailadmin.access_admin", "espace_famille.change_request", "creche.decide_crecheapplication"} <= (
        instructors
    )
    assert "espace_facturation.add_payment" in labels(Group.objects.get(name=REGISSEURS))
    administrators = labels(Group.objects.get(name=ADMINISTRATORS))
    assert {"espace_facturation.add_invoice", "wagtailcore.add_site", "home.change_siteidentity"} <= administrators
    assert not any(label.startswith("auth.") for label in administrators)
    root = Page.get_first_root_node()
    communication_pages = GroupPagePermission.objects.filter(group__name=COMMUNICATION)
    assert {(p.page_id, p.permission.codename) for p in communication_pages} == {
        (root.pk, "add_page"),
        (root.pk, "change_page"),
        (root.pk, "publish_page"),
    }
    assert GroupPagePermission.objects.filter(group__name=ADMINISTRATORS, page=root).count() == 6
    assert (
        GroupCollectionPermission.objects.filter(
            group__name=COMMUNICATION, collection=Collection.get_first_root_node()
        ).count()
        == 6
    )


@pytest.mark.django_db
def test_sync_roles_replaces_wagtails_moderation_workflow_group_and_names():
    moderators = Group.objects.create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])
    Workflow.objects.create(name="Moderators approval")

    roles_sync()

    assert_the_roles_are_the_table()
    task.refresh_from_db()
    assert list(task.groups.values_list("name", flat=True)) == [ADMINISTRATORS]
    assert task.name == Workflow.objects.get().name == "Validation par les Administrateurs"


@pytest.mark.django_db
def test_wagtails_moderation_workflow_loses_its_english_name_even_once_its_group_is_gone():
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    Workflow.objects.create(name="Moderators approval")

    roles_sync()

    task.refresh_from_db()
    assert task.name == Workflow.objects.get().name == "Validation par les Administrateurs"


@pytest.mark.django_db
def test_sync_roles_is_idempotent():
    entries = ModelLogEntry.objects.count()
    assert roles_sync() == []
    output = StringIO()
    call_command("sync_roles", stdout=output)
    assert "Les rôles sont déjà à jour" in output.getvalue()
    assert ModelLogEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_permission_changed_by_hand_is_put_back_and_audited():
    instructors = Group.objects.get(name=INSTRUCTORS)
    decide = Permission.objects.get(content_type__app_label="espace_famille", codename="change_request")
    delete_family = Permission.objects.get(content_type__app_label="espace_famille", codename="delete_family")
    instructors.permissions.remove(decide)
    instructors.permissions.add(delete_family)
    GroupPagePermission.objects.filter(group__name=COMMUNICATION, permission__codename="publish_page").delete()

    output = StringIO()
    call_command("sync_roles", stdout=output)

    assert "Rôle « Instructeurs » mis à jour" in output.getvalue()
    assert "  + espace_famille.change_request" in output.getvalue()
    assert "  - espace_famille.delete_family" in output.getvalue()
    assert "  + wagtailcore.publish_page (pages)" in output.getvalue()
    assert labels(instructors) == expected(next(role for role in ROLES if role.name == INSTRUCTORS))
    assert GroupPagePermission.objects.filter(group__name=COMMUNICATION, permission__codename="publish_page").exists()
    entry = ModelLogEntry.objects.filter(label=INSTRUCTORS, action="wagtail.edit").get()
    assert entry.object_id == str(instructors.pk)
    assert entry.data["permissions_added"] == ["espace_famille.change_request"]
    assert entry.data["permissions_removed"] == ["espace_famille.delete_family"]


@pytest.mark.django_db
def test_the_members_of_wagtails_english_groups_join_the_french_roles():
    editor, moderator = UserFactory(is_staff=True), UserFactory(is_staff=True)
    editors, moderators = Group.objects.create(name="Editors"), Group.objects.create(name="Moderators")
    editor.groups.add(editors)
    moderator.groups.add(moderators)
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])

    changes = {change.group: change for change in roles_sync()}

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert list(editor.groups.values_list("name", flat=True)) == [COMMUNICATION]
    assert list(moderator.groups.values_list("name", flat=True)) == [ADMINISTRATORS]
    assert ADMINISTRATORS in task.groups.values_list("name", flat=True)
    assert changes["Editors"].members_moved == 1 and changes["Editors"].members_moved_to == COMMUNICATION
    assert ModelLogEntry.objects.filter(label="Moderators", action="wagtail.delete", object_id=moderators.pk).exists()


@pytest.mark.django_db
def test_a_staff_member_who_is_not_a_superuser_cannot_reset_the_roles():
    instructor = UserFactory(is_staff=True)
    instructor.groups.add(Group.objects.get(name=ADMINISTRATORS))
    with pytest.raises(PermissionDenied):
        roles_sync(by=instructor)
    assert roles_sync(by=UserFactory(is_superuser=True)) == []
