#!/usr/bin/env python
"""Kept for Django habit; `uv run nlb ...` is the documented entry point."""

from nlb.cli import main

if __name__ == "__main__":
    main()
