"""`python -m site_builder`."""

from .cli.commands import run

run()
