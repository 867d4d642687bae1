"""Admin registration of the family-file requests: their bulk decisions (the queue itself is in the «Demandes» menu
group, built from the request kinds' handlers)."""

from wagtail import hooks

from espace_famille.modifications import admin_views

hooks.register("register_bulk_action", admin_views.AcceptBulkAction)
hooks.register("register_bulk_action", admin_views.RefuseBulkAction)
