"""Bench-only app: a plain Wagtail form page, the baseline of bench_registration.

Installed only by bench/registration_site.py (its migration runs only in the throwaway
bench database); it sends no e-mail."""
