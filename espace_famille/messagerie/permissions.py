"""What the staff groups may do with the messages to families (applied by espace_famille.comptes.permissions).
Administrators hold every permission of the app (espace_famille.comptes.roles.PORTAL_APPS)."""

GROUP_PERMISSIONS = {
    "Instructeurs": [
        ("messagerie", "view_familymessage"),
        ("messagerie", "send_familymessage"),
    ],
}
