"""Object rules for reports and dashboards (loaded by rules' autodiscovery).

- The dashboards (head's dashboard, ranking of units) are for department heads, within their
  province, and for administrators (every province). Reports themselves follow the visibility of
  their scope (reports/selectors.py), asked through reports/access.py.
- A Department head issues (numbers and freezes) a report the worker produced: it then goes out
  in the department's name with the head's signature block.
"""

import rules

from inspections.rules import is_administrator, is_head

rules.add_perm("reports.view_dashboard", is_administrator | is_head)
rules.add_perm("reports.issue_report", is_head)
