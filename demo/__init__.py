"""The demo network (optional app, label "demo"): fictional members, events and news.

Installed by the standalone site's settings and the tests, never shipped in the wheel:
`manage.py load_demo_data --url http://host:port` builds it and points the demo's Wagtail
Site at the host and port it is served on (`make demo`).
"""
