"""Allow ``python -m analyzer`` (the language-server tests and CI wrappers use it)."""

from analyzer.cli import main

if __name__ == "__main__":
    main()
