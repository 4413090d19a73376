"""`python -m tools.samplegen`."""

import sys

from tools.samplegen import main

sys.exit(main())
