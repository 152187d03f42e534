"""The yearly reform index (Chỉ số CCHC): self-scoring with evidence, appraisal, published ranking.

Nested in inspections/ because the project's top level is fixed; it sits above reports and
findings in the layers (decision 0011): nothing but config/ and devtools/ imports it.
"""
