"""`python -m explainer.ui.serve [streamlit run options]`: the app's server, warm before its first visitor.

The same as `streamlit run streamlit_app.py [options]` (run from the repository's root), plus one thing: the
warm-up (explainer/ui/warm.py: torch and the pages' imports, the default model and its analyses) starts with the
server instead of with the first visit, so that the first page anyone opens does not wait for seconds of imports.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app_server.py"  # streamlit_app.py behind gzip_static.py's middleware


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    from explainer.ui.warm import warm_up

    warm_up()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
