#!/usr/bin/env python3
"""Build patient leaflets: `python generate.py build` (see README.md)."""

from leafpress.cli import main

if __name__ == "__main__":
    main()
