from onefunnel.cli import main

raise SystemExit(main())
