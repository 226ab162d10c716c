"""``python -m crimeplan``: the same as the ``crimeplan`` command."""

import sys

if __name__ == "__main__":
    try:
        from crimeplan.cli import cli
    except KeyboardInterrupt:  # Ctrl-C while the command is still loading
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    cli(prog_name="crimeplan")
