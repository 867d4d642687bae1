"""A page's form as a browser sends it: every field with the value the page shows, then the person's edits."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The fields of the first POST form in the page's <main>: inputs, checked boxes, selected options, text areas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.in_main = self.in_form = self.done = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag == "form" and self.in_main and not self.done and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value") or "on"
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.fields[self.select] = value
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select" and self.select:
            self.fields.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self.fields[self.textarea] += data.removeprefix("\n") if not self.fields[self.textarea] else data


def page_form(response) -> dict[str, str]:
    """The values the page's (first POST) form would send if submitted untouched."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.fields


def edited(response, edits: dict | None = None) -> dict[str, str]:
    """The page's form with `edits` applied: a value types it, None unticks a box or empties the field."""
    data = page_form(response)
    for name, value in (edits or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def edit_and_submit(client, url: str, edits: dict | None = None, **extra):
    """Open the page, change `edits` in its form, press its submit button."""
    shown = client.get(url)
    assert shown.status_code == 200, f"{url} answered {shown.status_code}"
    return client.post(url, edited(shown, edits), **extra)
