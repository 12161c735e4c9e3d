import gc
import logging
import os
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
application = get_wsgi_application()

if os.environ.get("COMPTOIR_WARM_UP", "1") == "1":  # before the first request: comptoir/warmup.py
    from comptoir.warmup import warm_up

    started = time.perf_counter()
    built = warm_up()
    logging.getLogger("comptoir.warmup").info(
        "warmed up in %.0f ms: %s", (time.perf_counter() - started) * 1000, built
    )
    # what the workers forked from here share (Django, the URLs, the templates) is kept out of
    # the garbage collector's passes: each pass then walks only what requests created
    gc.freeze()
