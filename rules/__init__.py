"""Built-in rules, one per file; shipped inside the wheel as ``analyzer.rules``."""
