"""Run every benchmark in `bench/`, each in its own process, and collect their JSON summaries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SUPPORT = {"__init__", "__main__", "stats", "synthetic"}


def main() -> int:
    here = Path(__file__).resolve().parent
    names = sorted(p.stem for p in here.glob("*.py") if p.stem not in SUPPORT)
    summaries: dict[str, object] = {}
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], capture_output=True, text=True, check=False
        )
        sys.stdout.write(result.stdout)
        if result.returncode != 0:
            sys.stdout.write(result.stderr)
            failed.append(name)
            continue
        summaries[name] = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(summaries, sort_keys=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
