"""``python -m crimeplan``: the same as the ``crimeplan`` command."""

import signal
import sys

if __name__ == "__main__":
    try:
        from crimeplan.cli import main
    except KeyboardInterrupt:  # Ctrl-C while the command is still loading
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    main()
