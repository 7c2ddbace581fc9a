"""``python -m bitext`` = the ``bitext`` command."""

from .cli import console_main

console_main()
