"""Allow ``python -m analyzer`` (the language-server tests and CI wrappers use it)."""

from analyzer.cli import run

if __name__ == "__main__":
    run()
