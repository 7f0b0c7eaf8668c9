"""`python -m bench`: see bench/scale.py."""

from bench.scale import main

raise SystemExit(main())
