"""The checklist of a visit, filled on site, as one package.

selectors   reads for the pages (rows, totals, the frozen structure of a published version)
names       the names the markup and static/js/checklist/ share (classes, attributes, texts)
html        the markup of a row, team's or unit's, built in Python for speed (see there)
page_html   the page around the rows: domains, totals, progress, the unanswered criteria
formats     numbers in the active language
forms       parsing of one answer, a self-assessment, an upload, a reopening
derive      what one answer means: its stored result and score, checked against the criterion
answers     writes: autosave with optimistic versions, self-assessment, roll-ups, submit, reopen
statements  the autosave's own SQL: the statement that authorises and locks, the one that writes
evidence    writes: evidence files checked by content
import_export  checklist templates in and out of YAML and XLSX
views, urls the pages and the autosave endpoints
"""
