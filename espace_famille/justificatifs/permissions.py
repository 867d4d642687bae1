"""What supporting documents grant to the staff groups (applied by espace_famille.comptes.permissions)."""

GROUP_PERMISSIONS = {
    "Instructeurs": [
        ("justificatifs", "view_document"),
        ("justificatifs", "change_document"),
        ("justificatifs", "view_documenttype"),
    ],
}
