"""runbook-analyzer: static analysis of Azure Automation runbooks and DSC configurations.

The package keeps its import cheap: the CLI imports this module for ``--version`` and
``--help``, so nothing heavy (tree-sitter, networkx) may be imported here.
"""

__version__ = "0.1.0"
#: The project's home; rule documentation URLs (SARIF ``helpUri``) are built from it.
PROJECT_URL = "https://github.com/runbook-analyzer/runbook-analyzer"
