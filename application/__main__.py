"""Run the ``zonage`` command line: ``python -m application ARGS`` (same as ``zonage ARGS``)."""

import sys

from application.cli import main

sys.exit(main())
