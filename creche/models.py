"""Models of the creche application."""
