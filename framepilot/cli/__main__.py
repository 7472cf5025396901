"""`python -m framepilot.cli`: the same as the `framepilot` command."""

import sys

from framepilot.cli.main import main

sys.exit(main())
