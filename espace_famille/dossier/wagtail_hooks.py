"""Admin registration of the family files (the «Familles» menu) and the audit actions of the family space."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail_modeladmin.options import modeladmin_register

from commun import todo
from espace_famille.dossier import admin_iban, admin_views, audit, family_page
from espace_famille.dossier import todo as family_todo


@hooks.register("insert_global_admin_js")
def admin_js():
    """Date choosers and print buttons, started from a file: the content security policy forbids inline scripts."""
    return format_html('<script src="{}" defer></script>', static("js/admin.js"))


hooks.register("register_admin_urls", admin_iban.admin_urls)


@hooks.register("register_log_actions")
def register_family_log_actions(actions):
    actions.register_action("portail.subscription.create", "Abonnement créé", "Abonnement créé")
    actions.register_action("portail.photo.update", "Photo modifiée", "Photo modifiée")
    actions.register_action(
        "portail.family.anonymise", "Famille anonymisée", "Famille anonymisée (conservation des données)"
    )

    @actions.register_action(audit.HEALTH_READ)
    class HealthReadFormatter(LogFormatter):
        label = "Données de santé consultées"

        def format_message(self, log_entry):
            return f"Données de santé consultées — {(log_entry.data or {}).get('screen', '')}"

    actions.register_action(audit.IBAN_SHOWN, "IBAN affiché en entier", "IBAN de la famille affiché en entier")
    actions.register_action(
        "portail.franceconnect.create", "Compte créé avec FranceConnect", "Compte créé avec FranceConnect"
    )
    actions.register_action("portail.mfa.add", "Second facteur ajouté", "Second facteur ajouté au compte")
    actions.register_action("portail.mfa.remove", "Second facteur retiré", "Second facteur retiré du compte")
    actions.register_action("portail.franceconnect.link", "Lié à FranceConnect", "Compte lié à FranceConnect")
    actions.register_action("portail.franceconnect.unlink", "Délié de FranceConnect", "Compte délié de FranceConnect")
    actions.register_action(
        "portail.data.export", "Données téléchargées par la famille", "Données téléchargées par la famille"
    )


modeladmin_register(admin_views.FamilyGroup)
hooks.register("register_admin_urls", family_page.admin_urls)

# «À faire» (commun.todo)
hooks.register(todo.CURRENT_FAMILY_HOOK, family_todo.current_family)
hooks.register(todo.FAMILY_CHOICE_HOOK, family_todo.family_choice)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
