"""Password validator enforcing the guide's composition rule."""

from django.core.exceptions import ValidationError

from espace_famille.comptes import rules


class PasswordCompositionValidator:
    def validate(self, password, user=None):
        problems = rules.password_composition_problems(password)
        if problems:
            # The rule itself is the field's help text, beside it: the error says only what this password lacks.
            raise ValidationError(
                f"Ce mot de passe ne respecte pas la règle : il manque {', '.join(problems)}.",
                code="password_composition",
            )

    def get_help_text(self):
        return rules.PASSWORD_RULE
