"""`python -m bench.generate --preset small`: migrate, load and analyse (see the package)."""

import sys

from bench.generate import main

main(sys.argv[1:])
