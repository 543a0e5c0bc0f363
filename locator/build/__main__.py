"""``python -m locator.build``: build the postcode index, then the map's layers, each if missing or out of date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from locator import clinics, store
from locator.build import index, map_layers
from locator.errors import LocatorError
from locator.map_layers import DEFAULT_OUT_DIR, JSON_NAME
from locator.service import Locator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locator.build", description=__doc__.split(":", 1)[1].strip())
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--path", type=Path, default=None,
                        help=f"where the index lives (default ${store.INDEX_PATH_ENV} or data/build/index.bin)")
    parser.add_argument("--codepoint", type=Path, metavar="PATH",
                        help="rebuild from this Code-Point Open release: codepo_gb.zip as OS distributes it "
                             "(CSV), or the folder it unpacks to")
    parser.add_argument("--clinics", type=Path, default=None,
                        help=f"the clinics file (default ${clinics.CLINICS_PATH_ENV} or data/clinics.toml)")
    parser.add_argument("--map-out", type=Path, default=DEFAULT_OUT_DIR,
                        help="the folder of the map's layers (default static/map/build)")
    parser.add_argument("--index-only", action="store_true", help="build the index only, not the map's layers")
    args = parser.parse_args(argv)
    path = Path(args.path or store.index_path())
    clinics_path = Path(args.clinics or clinics.clinics_path())
    try:
        if args.force or args.codepoint:
            built = index.build(path, clinics_path=clinics_path, codepoint=args.codepoint, verbose=True)
        else:
            built = index.ensure(path, clinics_path=clinics_path, verbose=True)
            print(f"{path} is up to date ({built.meta['units']:,} postcodes from "
                  f"{built.release}, built {built.meta['built_at']}).")
        if args.index_only:
            return 0
        locator = Locator(built, clinics.load_clinics(clinics_path, built.clinic_positions))
        if args.force:
            layers = map_layers.build(args.map_out, locator=locator, verbose=True)
        else:
            layers = map_layers.ensure(args.map_out, locator=locator, verbose=True)
        print(f"{args.map_out / JSON_NAME} is ready ({layers['postcodes']:,} postcodes, "
              f"{len(layers['towns']):,} town labels).")
    except LocatorError as exc:
        # The operator's command: what is wrong and how to fix it, not the sentence for patients.
        print(f"error: {exc.detail or exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
