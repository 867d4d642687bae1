"""Model fields the portal shares: MoneyField, a DecimalField that says it holds euros."""

from django.db import models


class MoneyField(models.DecimalField):
    """An amount in euros, shown everywhere as «1 234,50 €» (commun.formats.money, commun.admin_display).

    In the database and in migrations it is a DecimalField: saying that a column holds money changes no schema."""

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
