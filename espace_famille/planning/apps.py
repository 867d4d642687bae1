"""Planning: facilities, activities, enrolments, bookings and their rules, calendars, the iCal feed."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "espace_famille.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self):
        from commun.menus import MenuItem, register
        from espace_famille.planning import personal_data

        register(
            MenuItem(
                section="espace_famille",
                key="planning",
                label="Planning",
                url_name="espace_famille:planning",
                order=20,
                description="Réservations et absences des activités de vos enfants.",
            )
        )
        personal_data.register_all()

        from espace_famille.demandes import kinds
        from espace_famille.planning.handlers import PlanningHandler

        kinds.register(PlanningHandler())
