"""The live server of the browser journeys, on SQLite in memory: one request at a time."""

import threading
import time

from django.core.servers.basehttp import WSGIServer


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time. On SQLite in memory the server and the test share the
    test's one connection: two requests at once (the preview panel, an autosave and an editing session's ping do),
    make one of them fail with «database table is locked». The test's flush waits until the browser's last request
    (the beacon a closed editor sends) is answered (`wait_until_quiet`)."""

    lock = threading.Lock()
    last_answer = 0.0

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override

    def process_request(self, request, client_address):
        with self.lock:
            try:
                super().process_request(request, client_address)
            finally:
                SerialWSGIServer.last_answer = time.monotonic()


def wait_until_quiet(seconds=0.5, at_most=10.0):
    deadline = time.monotonic() + at_most
    while time.monotonic() < deadline:
        if not SerialWSGIServer.lock.locked() and time.monotonic() - SerialWSGIServer.last_answer > seconds:
            return
        time.sleep(0.05)
