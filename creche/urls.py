"""URLs of the creche application."""

app_name = "creche"

urlpatterns = []
