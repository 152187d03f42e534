"""Tools for developers, never for production: demo data (`load_demo`, `demo_accounts`), the page
benchmark (`bench`, `bench_reports`) and the national data generator (`generate_national`).

Installed by config/settings.py only where DEBUG is on or DJANGO_DEVTOOLS=1; production apps never
import from here.
"""
