import sys

from explainer.cli.main import main

sys.exit(main())
