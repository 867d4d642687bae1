"""The logins of the demo municipality every app's demo data refers to, and their password.

Each app loads its own demo data from its `demo.py`; the demo command (`manage.py load_demo`, in cms) asks them
in turn and prints these logins."""

# The password of every demo account, staff and parents alike.
PASSWORD = "Portail2026!"
# The parent who makes the demo's requests and bookings (the DURANT family).
PARENT = "jean.durant@example.org"
# The staff who decide them, and who bills.
INSTRUCTOR = "instructeur@example.org"
REGISSEUR = "regisseur@example.org"
