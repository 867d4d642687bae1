"""Signals of the family file, for the apps above it (billing) that follow what it holds without being imported."""

from django.dispatch import Signal

# Sent inside the transaction that changed a family's bank details or its choice of direct debit (an accepted
# «Mes coordonnées bancaires» request): family=, by= (who decided), fields= (the names changed).
bank_details_changed = Signal()
