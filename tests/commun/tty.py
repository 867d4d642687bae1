"""A stderr that says it is a terminal, to see the progress bars of the commands."""

import io


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True
