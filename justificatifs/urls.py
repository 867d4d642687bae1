"""URLs of the justificatifs application."""

app_name = "justificatifs"

urlpatterns = []
