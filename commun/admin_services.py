"""wagtail-modeladmin create and edit views that write through a service instead of form.save(), and the
write those services share for a plain record (permission, row lock, validation, audit entry).

The form only validates; the ModelAdmin turns its cleaned data into a service call (create_instance /
edit_instance), and the service checks the permission, locks, saves and writes the audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.log_actions import log
from wagtail_modeladmin.views import CreateView, EditView


def record_save(*, model: type[models.Model], instance: models.Model | None, values: dict, by) -> tuple:
    """Create (instance None) or update one row: the add/change permission of its admin screen checked, the row
    locked, the values validated like the form, saved, and a wagtail.create / wagtail.edit entry written.
    Call it inside transaction.atomic(). Returns the row and its values before (empty on a creation)."""
    action = "add" if instance is None else "change"
    if by is None or not by.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
        raise PermissionDenied(f"Vous n'avez pas le droit de modifier les {model._meta.verbose_name_plural}.")
    old = {}
    if instance is None:
        instance = model()
    else:
        instance = model._default_manager.select_for_update().get(pk=instance.pk)
        old = {name: getattr(instance, name) for name in values}
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    changed = any(old.get(name) != value for name, value in values.items())
    log(instance=instance, action="wagtail.edit" if old else "wagtail.create", user=by, content_changed=changed)
    return instance, old


def model_values(form) -> dict:
    """The model's own fields the form edited, by name (the form's extra fields and formsets left out)."""
    names = {field.name for field in form._meta.model._meta.concrete_fields}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


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
