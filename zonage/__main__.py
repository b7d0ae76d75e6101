import sys

from zonage.cli import main

sys.exit(main())
