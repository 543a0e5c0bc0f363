import sys

from locator.cli import main

sys.exit(main())
