"""`python -m tritonlift ...`: the same command line as the `tritonlift` script."""

import sys

from .cli import main

sys.exit(main())
