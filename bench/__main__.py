"""`python -m bench --preset small [harness options]`: generate the data, then measure it."""

import argparse
import sys

from bench import generate, harness


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--preset", choices=sorted(generate.PRESETS), default="full")
    parser.add_argument("--small", action="store_const", const="small", dest="preset")
    known, rest = parser.parse_known_args(argv)
    generated = generate.main(["--preset", known.preset])
    harness.main(rest, preset=generated.preset.name)


if __name__ == "__main__":
    main(sys.argv[1:])
