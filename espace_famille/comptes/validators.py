"""Password validator enforcing the guide's composition rule."""

from django.core.exceptions import ValidationError

from espace_famille.comptes import rules


class PasswordCompositionValidator:
    def validate(self, password, user=None):
        problems = rules.password_composition_problems(password)
        if problems:
            raise ValidationError(
                f"{rules.PASSWORD_RULE}. Il manque : {', '.join(problems)}.",
                code="password_composition",
            )

    def get_help_text(self):
        return rules.PASSWORD_RULE
