"""`python build.py [options]` does exactly what `brochure build [options]` does."""

import sys

from brochure.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]])
