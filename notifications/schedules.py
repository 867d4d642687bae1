"""The periodic tasks domain apps ask for, registered when they start; `register_schedules` writes them to django-q2.

notifications imports no domain app: each app registers its own tasks by dotted path."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    func: str
    schedule_type: str
    options: dict = field(default_factory=dict)
    # When a new schedule first runs (django-q2 then keeps its local hour across the clock changes).
    first_run: Callable[[], datetime] | None = None


_tasks: dict[str, PeriodicTask] = {}


def register(task: PeriodicTask) -> None:
    _tasks[task.name] = task


def all_tasks() -> list[PeriodicTask]:
    return sorted(_tasks.values(), key=lambda task: task.name)
