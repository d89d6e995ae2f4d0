"""The load run of bench/bench_load.py, scaled down for CI but kept real: production
settings, gunicorn with several workers, the task worker, PostgreSQL, an SMTP sink, and
concurrent clients registering while others poll the calendar feed and browse the
directory. Checks what the full run checks; prints no timing assertions."""

import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

SCALE = {
    "LOAD_WORKERS": "3",
    "LOAD_CAPACITY": "25",
    "LOAD_SUBMISSIONS": "100",
    "LOAD_CLIENTS": "20",
    "LOAD_SOLO": "3",
}


def test_registration_rush_with_feed_and_directory_traffic(monkeypatch):
    for name, value in SCALE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    sys.modules.pop("bench_load", None)
    bench_load = importlib.import_module("bench_load")

    figures = {figure.measure: figure.value for figure in bench_load.run()}

    assert figures["rush: answered OK (302)"] == 100
    assert figures["confirmed (capacity 25)"] == 25
    assert figures["waitlisted"] == 75
    assert figures["lost (OK answer, no row)"] == 0
    assert figures["rows without OK answer"] == 0
    assert figures["e-mails: people with exactly one"] == 100
    assert figures["e-mails: people with none"] == 0
    assert figures["e-mails: duplicates"] == 0
    assert figures["feed 304 answers"] > 0
    errors = {m: v for m, v in figures.items() if m.endswith(": errors") and v}
    assert errors == {}
    assert figures["directory: requests"] > 0
