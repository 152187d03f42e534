"""Each document's data loader: fills the plain dataclasses of reports.documents.data from the
models in a handful of queries whatever the size (a 500-visit plan loads in about ten), so the
builders never touch the database. One module per document, plus what they print alike (common).
"""

from .conclusion import conclusion_notice_data
from .followup import follow_up_data
from .summary import plan_summary_data

__all__ = ["conclusion_notice_data", "follow_up_data", "plan_summary_data"]
