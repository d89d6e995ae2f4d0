"""Run every benchmark under bench/ and print all figures in one table.

Each benchmark is a module `bench/bench_<topic>.py` with a function
`run() -> list[Figure]`. Benchmarks build their own data in a throwaway database
(they never touch db.sqlite3) and measure; they never assert on timings.

    make bench                 # all of them
    python bench/run_all.py events   # only modules whose name contains "events"
"""

import importlib
import pathlib
import platform
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import print_table  # noqa: E402


def main(argv):
    wanted = argv[1:] or [""]
    figures = []
    for path in sorted(HERE.glob("bench_*.py")):
        if not any(w in path.stem for w in wanted):
            continue
        module = importlib.import_module(path.stem)
        started = time.perf_counter()
        print(f"… {path.stem}", file=sys.stderr, flush=True)
        figures.extend(module.run())
        print(f"  {path.stem} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"Machine: {platform.node()}, {platform.machine()}, Python {platform.python_version()}")
    print_table(figures)


if __name__ == "__main__":
    main(sys.argv)
