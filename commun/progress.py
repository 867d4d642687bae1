"""The progress bar of the commands that cron runs (send_digests, invoicing_run, retention): tqdm on stderr, drawn
only when stderr is a terminal; quiet under cron, with --no-progress or with -v 0. Stdout keeps the report."""

from django.core.management.base import BaseCommand
from tqdm import tqdm


class ProgressCommand(BaseCommand):
    """A management command with `--no-progress` and `self.progress(total=..., label=...)`."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Ne pas afficher la barre de progression (elle ne s'affiche déjà que dans un terminal).",
        )
        return parser

    def execute(self, *args, **options):
        self.show_progress = not options.get("no_progress") and options.get("verbosity", 1) > 0
        return super().execute(*args, **options)

    def progress(self, *, total: int, label: str, unit: str = "") -> tqdm:
        """A bar of `total` steps, advanced with `.update(n)`; drawn on stderr only where a person watches."""
        stream = getattr(self.stderr, "_out", self.stderr)
        shown = getattr(self, "show_progress", True) and stream.isatty()
        return tqdm(total=total, desc=label, unit=unit or "it", file=stream, disable=not shown)
