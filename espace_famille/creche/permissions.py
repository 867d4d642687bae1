"""What the staff groups may do with the pre-registrations (applied by espace_famille.comptes.permissions)."""

GROUP_PERMISSIONS = {
    "Instructeurs": [
        ("creche", "view_crecheapplication"),
        ("creche", "decide_crecheapplication"),
    ],
}
