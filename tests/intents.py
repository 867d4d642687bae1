"""Forms as a person submits them: the page is opened first, and its POST carries the intent the page issued."""

import re

from commun.intents import FIELD

_INTENT = re.compile(rf'name="{FIELD}"\s+value="([^"]+)"|value="([^"]+)"\s+name="{FIELD}"')


def intent_in(response) -> str:
    """The intent token of the (first) form on a rendered page; fails the test if the page has none."""
    match = _INTENT.search(response.content.decode())
    assert match, "the page has no intent field: its form cannot be carried out"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict | None = None, *, page: str | None = None, **extra):
    """GET `page` (default: `url`, with the query `data` gives), then POST `data` plus the page's intent to `url`."""
    shown = client.get(page or url)
    assert shown.status_code == 200, f"{page or url} answered {shown.status_code}"
    return client.post(url, {**(data or {}), FIELD: intent_in(shown)}, **extra)
