"""Run every benchmark under bench/ (each `bench_*.py` module with a `run()` function).

Usage: make bench   (uses DATABASE_URL; PostgreSQL expected, e.g.
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakumpit_bench make bench)
"""

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakumpit_asn.settings")


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    # Production-like: DEBUG off means hashed, compressed static files, which need collecting.
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
