"""``python -m crimeplan``: the same as the ``crimeplan`` command."""

from crimeplan.cli import cli

if __name__ == "__main__":
    cli(prog_name="crimeplan")
