"""``python -m fakeprojector`` is the ``fakeprojector`` command."""

import sys

from fakeprojector.cli import main

sys.exit(main())
