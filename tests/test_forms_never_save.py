"""Forms only validate: the services write. No form class of the portal defines save() or calls .save()."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("espace_famille", "espace_facturation", "home", "notifications", "commun")
FORM_BASES = {"Form", "ModelForm", "BaseForm", "BaseModelForm", "WagtailAdminModelForm", "WagtailAdminPageForm"}


def _names(node: ast.AST) -> set[str]:
    """Every name a base expression mentions: `forms.ModelForm`, or `type("X", (WagtailAdminModelForm,), ...)`."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _saves(cls: ast.ClassDef) -> list[str]:
    problems = []
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "save":
            problems.append(f"defines save() line {node.lineno}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save":
            problems.append(f"calls .save() line {node.lineno}")
    return problems


def form_classes_that_save(roots) -> list[str]:
    found = []
    for root in roots:
        root = Path(root)
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            forms = set(FORM_BASES)
            classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
            # A form deriving from another form of the same module is a form too.
            for _ in range(3):
                for cls in classes:
                    if any(_names(base) & forms for base in cls.bases):
                        forms.add(cls.name)
            for cls in classes:
                if cls.name in forms and cls.name not in FORM_BASES:
                    found += [f"{path.relative_to(root.parent)}: {cls.name} {problem}" for problem in _saves(cls)]
    return found


def test_the_scan_catches_a_form_that_saves(tmp_path):
    (tmp_path / "forms.py").write_text(
        "from django import forms\n"
        "from wagtail.admin.forms import WagtailAdminModelForm\n\n"
        "class Week(type('W', (WagtailAdminModelForm,), {})):\n"
        "    def save(self, commit=True):\n"
        "        return super().save(commit=commit)\n\n"
        "class Plain(forms.Form):\n"
        "    def clean(self):\n"
        "        self.instance.save()\n\n"
        "class NotAForm:\n"
        "    def save(self):\n"
        "        pass\n"
    )
    found = form_classes_that_save([tmp_path])

    assert [line.split(": ", 1)[1] for line in found] == [
        "Week defines save() line 5",
        "Week calls .save() line 6",
        "Plain calls .save() line 10",
    ]


def test_no_form_of_the_portal_saves():
    assert form_classes_that_save([ROOT / package for package in PACKAGES]) == []
