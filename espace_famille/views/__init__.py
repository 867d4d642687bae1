"""Views of the family space, one module per screen family."""
