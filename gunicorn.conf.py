"""gunicorn's settings for the portal, kept inside the package (portal/gunicorn_conf.py)
so that an installed wheel has them too: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from portal.gunicorn_conf import *  # noqa: F403 (gunicorn reads the names this file holds)
