"""The writes every admin screen of a plain record shares (create, change, delete: permission, row lock,
validation, audit entry), and the wagtail-modeladmin and snippet views that call them instead of writing
through the form (form.save(), instance.delete()).

The form only validates; the ModelAdmin turns its cleaned data into a service call (create_instance /
edit_instance / delete_instance), and the service checks the permission, locks, writes and logs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.views import CreateView, DeleteView, EditView


def check_record_permission(*, model: type[models.Model], action: str, by) -> None:
    """The add / change / delete permission of the record's admin screen, whoever calls (PermissionDenied)."""
    if by is None or not by.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
        verb = "supprimer" if action == "delete" else "modifier"
        raise PermissionDenied(f"Vous n'avez pas le droit de {verb} les {model._meta.verbose_name_plural}.")


def _many_to_many(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.many_to_many}


def record_save(*, model: type[models.Model], instance: models.Model | None, values: dict, by) -> tuple:
    """Create (instance None) or update one row: the add/change permission of its admin screen checked, the row
    locked, the values validated like the form, saved (its many-to-many links too), and a wagtail.create /
    wagtail.edit entry written. Call it inside transaction.atomic(). Returns the row and its values before
    (empty on a creation; a many-to-many field's as the set of linked ids)."""
    check_record_permission(model=model, action="add" if instance is None else "change", by=by)
    links = {name: value for name, value in values.items() if name in _many_to_many(model)}
    fields = {name: value for name, value in values.items() if name not in links}
    old = {}
    if instance is None:
        instance = model()
    else:
        instance = model._default_manager.select_for_update().get(pk=instance.pk)
        old = {name: getattr(instance, name) for name in fields}
        old.update({name: set(getattr(instance, name).values_list("pk", flat=True)) for name in links})
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, value in links.items():
        getattr(instance, name).set(value)
    new = {**fields, **{name: {row.pk for row in value} for name, value in links.items()}}
    changed = any(old.get(name) != value for name, value in new.items())
    log(instance=instance, action="wagtail.edit" if old else "wagtail.create", user=by, content_changed=changed)
    return instance, old


class RecordProtected(ValidationError):
    """The row cannot be deleted: other rows point at it (on_delete PROTECT or RESTRICT). `linked` lists them."""

    def __init__(self, instance: models.Model, linked: list[models.Model]):
        counts: dict[type, int] = {}
        for row in linked:
            counts[type(row)] = counts.get(type(row), 0) + 1
        what = ", ".join(
            f"{count} {(kind._meta.verbose_name_plural if count > 1 else kind._meta.verbose_name)}"
            for kind, count in counts.items()
        )
        super().__init__(
            f"« {instance} » n'est pas supprimé : des données y sont rattachées ({what}). "
            "Retirez-les ou rattachez-les ailleurs d'abord ; rien n'a été supprimé."
        )
        self.linked = linked


def record_delete(*, model: type[models.Model], instance: models.Model, by) -> None:
    """Delete one row: the delete permission of its admin screen checked, the row locked, a wagtail.delete entry
    written with the deletion. A row that other rows protect (PROTECT, RESTRICT) is kept whole and RecordProtected
    says what holds it; a row already gone is left so."""
    check_record_permission(model=model, action="delete", by=by)
    with transaction.atomic():
        row = model._default_manager.select_for_update().filter(pk=instance.pk).first()
        if row is None:
            return
        try:
            with transaction.atomic():
                log(instance=row, action="wagtail.delete", user=by)
                row.delete()
        except models.ProtectedError as error:
            raise RecordProtected(row, list(error.protected_objects)) from error
        except models.RestrictedError as error:
            raise RecordProtected(row, list(error.restricted_objects)) from error


def record_write(*, model: type[models.Model], instance: models.Model | None, values: dict, by) -> models.Model:
    """record_save in its own transaction, for a screen whose record needs nothing else."""
    with transaction.atomic():
        instance, _ = record_save(model=model, instance=instance, values=values, by=by)
    return instance


def model_values(form) -> dict:
    """The model's own fields the form edited, by name, many-to-many included (the form's extra fields and
    formsets left out)."""
    opts = form._meta.model._meta
    names = {field.name for field in opts.concrete_fields} | {field.name for field in opts.many_to_many}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


# wagtail-modeladmin views ----------------------------------------------------------------------------------------


class _ServiceFormMixin:
    def write(self, form) -> models.Model:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.instance = self.write(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            self.get_success_message(self.instance),
            buttons=self.get_success_message_buttons(self.instance),
        )
        return redirect(self.get_success_url())


class ServiceCreateView(_ServiceFormMixin, CreateView):
    def write(self, form):
        return self.model_admin.create_instance(form=form, by=self.request.user)


class ServiceEditView(_ServiceFormMixin, EditView):
    def write(self, form):
        return self.model_admin.edit_instance(instance=self.instance, form=form, by=self.request.user)


class ServiceDeleteView(DeleteView):
    """«Oui, supprimer» calls the ModelAdmin's delete_instance (a service); a row other rows hold is kept and the
    page says which, a refused actor gets 403."""

    def post(self, request, *args, **kwargs):
        try:
            self.model_admin.delete_instance(instance=self.instance, by=request.user)
        except RecordProtected as error:
            messages.error(request, error.message)
            context = self.get_context_data(protected_error=True, linked_objects=error.linked[:50])
            return self.render_to_response(context, status=400)
        messages.success(request, f"{self.verbose_name.capitalize()} « {self.instance} » supprimé(e).")
        return redirect(self.index_url)


class RecordAdminMixin:
    """A ModelAdmin (mixed in before it) whose create, edit and delete screens write through record_save /
    record_delete; an app overrides create_instance / edit_instance / delete_instance to call its own service."""

    create_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView

    def create_instance(self, *, form, by):
        return record_write(model=self.model, instance=None, values=model_values(form), by=by)

    def edit_instance(self, *, instance, form, by):
        return record_write(model=self.model, instance=instance, values=model_values(form), by=by)

    def delete_instance(self, *, instance, by):
        record_delete(model=self.model, instance=instance, by=by)


# Snippet views ---------------------------------------------------------------------------------------------------


class ServiceSnippetFormMixin:
    """A snippet create or edit view (mixed in before it) whose save goes through record_save instead of the form;
    a refusal of the service is shown beside the form."""

    def save_instance(self):
        instance = None if self.view_name == "create" else self.object
        self.new_revision = None
        self.has_content_changes = True
        values = model_values(self.form)
        saved, _ = record_save(model=self.model, instance=instance, values=values, by=self.request.user)
        return saved

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            return self.form_invalid(form)


class ServiceSnippetDeleteMixin:
    """A snippet delete view (mixed in before it) that deletes through record_delete; a row other rows hold is kept
    and the page says which."""

    def delete_action(self):
        record_delete(model=self.model, instance=self.object, by=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RecordProtected as error:
            messages.error(self.request, error.message)
            return redirect(self.request.get_full_path())


class ReadOnlyPermissionHelper(PermissionHelper):
    """For records the admin only reads (bookings, invoices, payments...): nobody adds, edits or deletes them
    there, whoever the user (superusers included); they change only through their services."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ViewOnlyPolicy(ModelPermissionPolicy):
    """The same for a Wagtail viewset (register_permission_policy): its rows are read there, never added, edited or
    deleted, whoever the user (superusers included)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")
