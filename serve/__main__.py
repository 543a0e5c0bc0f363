"""``python -m serve``: what ``bin/serve`` runs once the checkout is set up (see serve/__init__.py)."""

from __future__ import annotations

import os
import sys

from serve.errors import ServeError
from serve.options import parse
from serve.supervisor import Supervisor


def main(argv: list[str] | None = None) -> int:
    try:
        options = parse(sys.argv[1:] if argv is None else argv, dict(os.environ))
    except ServeError as exc:
        print(f"bin/serve: {exc.message}", file=sys.stderr)
        return 1
    return Supervisor(options).run()


if __name__ == "__main__":
    raise SystemExit(main())
