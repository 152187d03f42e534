"""The synthetic national-scale data set (`manage.py generate_national`), also used on one
province by the dashboards' pages of the bench."""
