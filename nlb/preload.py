"""Work every web process would otherwise repeat on its first requests, done once in gunicorn's
master before it forks (preload_app): import every view (pandas, polars, the engine), build the
URL resolver, compile every template, and teach pickle the classes the shared memo holds. The
children share these pages of memory copy-on-write, and the first person to reach a new process
does not wait a second for it.

No database connection may be opened here: a connection (or a connection pool) inherited by
forked processes would be shared between them. `preload` checks and refuses.
"""

from __future__ import annotations

import logging
import pickle
import time
from pathlib import Path

logger = logging.getLogger("nlb.preload")


def preload() -> float:
    """Seconds taken. Raises RuntimeError if anything opened a database connection."""
    import pandas as pd
    import polars as pl
    from django.conf import settings
    from django.db import connections
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    started = time.perf_counter()
    closed = [alias for alias in connections if connections[alias].connection is None]
    get_resolver().url_patterns  # noqa: B018 - imports every urls module and view
    get_resolver()._populate()
    pickle.loads(pickle.dumps(pd.DataFrame({"a": [1.0], "b": [[1]]})))
    pickle.loads(pickle.dumps(pl.DataFrame({"a": [1.0]})))
    roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    from django.apps import apps

    roots += [Path(c.path) / "templates" for c in apps.get_app_configs()]
    for root in roots:
        if not root.is_dir() or not str(root).startswith(str(settings.BASE_DIR)):
            continue  # our templates only: the admin's are compiled when first used
        for path in root.rglob("*.html"):
            try:
                get_template(str(path.relative_to(root)))
            except (TemplateDoesNotExist, TemplateSyntaxError):  # pragma: no cover
                continue
    for alias in closed:
        if connections[alias].connection is not None:
            raise RuntimeError(f"preloading opened a database connection ({alias})")
    seconds = time.perf_counter() - started
    logger.info("preloaded views, templates and pickling in %.1fs", seconds)
    return seconds
