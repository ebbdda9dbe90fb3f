from __future__ import annotations

from analyzer.rules._helpers import ProblemRule


class LanguageMismatch(ProblemRule):
    """File content is in another language than its extension says.

    ## What it does
    Reports files whose content is clearly Python while the extension is `.ps1` (or the
    reverse). The file is analysed as the language it really is.

    ## Why is this bad?
    Source-control sync and import decide the runbook type from the extension: Python
    saved as `.ps1` becomes a PowerShell runbook that fails at its first line.

    ## Example
    ```powershell
    # file: Report.ps1
    import automationassets  # expect: RB904
    from datetime import datetime

    def main():
        region = automationassets.get_automation_variable("Region")
        print(region)
    ```

    ## Use instead
    ```python
    # file: Report.py
    import automationassets
    from datetime import datetime

    def main():
        region = automationassets.get_automation_variable("Region")
        print(region)
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB904"
    name = "language-mismatch"
    severity = "warning"
    tags = ("input",)
