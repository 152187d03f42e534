"""Object rules for reports (loaded by rules' autodiscovery).

- A Department head issues (numbers and freezes) a report the worker produced: it then goes out
  in the department's name with the head's signature block.
"""

import rules

from inspections.rules import is_head

rules.add_perm("reports.issue_report", is_head)
