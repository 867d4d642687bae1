"""Planning: facilities, activities, enrolments, bookings and their rules, calendars, the iCal feed."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "espace_famille.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self):
        from espace_famille.planning import personal_data

        personal_data.register_all()

        from espace_famille.demandes import kinds
        from espace_famille.planning.handlers import PlanningHandler

        kinds.register(PlanningHandler())
