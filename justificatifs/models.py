"""Models of the justificatifs application."""
