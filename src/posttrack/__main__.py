"""`python -m posttrack`: the same as the console script."""

from posttrack.console import run

if __name__ == "__main__":
    run()
