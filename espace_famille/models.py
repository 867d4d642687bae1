"""The tables of the family space are defined in its apps (comptes, dossier, demandes, planning), under this
app's label `espace_famille`, so that their names, content types, permissions and migrations are unchanged.

Django creates content types and permissions only for an app that has a models module: this one, empty,
is that module. Import models from the app that defines them, never from here."""
