#!/usr/bin/env python
"""Django's command-line utility; the `xiaoan` console script does the same."""

import sys

from xiaoan.cli import main

if __name__ == "__main__":
    sys.exit(main())
