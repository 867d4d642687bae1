"""Pure rules of the family space (accounts, family file, bookings): no database, testable alone."""


def request_state(line_states: list[str]) -> str:
    """A request's state from its lines: all accepted, all refused, a mix, or still pending.

    Days the family withdrew do not count; a request whose days were all withdrawn is withdrawn."""
    line_states = [s for s in line_states if s != "withdrawn"]
    if not line_states:
        return "withdrawn"
    decided = [s for s in line_states if s != "pending"]
    if len(decided) < len(line_states):
        return "pending"
    if all(s == "accepted" for s in decided):
        return "accepted"
    if all(s == "refused" for s in decided):
        return "refused"
    return "partial"
