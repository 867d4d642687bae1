"""The admin's shared parts: the «À surveiller» panel of the dashboard and the admin's own stylesheet."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from commun import dashboard

hooks.register("construct_homepage_panels", dashboard.add_alerts_panel)
hooks.register("construct_homepage_panels", dashboard.drop_page_panels)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html(
        '<link rel="icon" href="{}" type="image/svg+xml"><link rel="stylesheet" href="{}">',
        static("img/favicon.svg"),
        static("css/admin.css"),
    )
