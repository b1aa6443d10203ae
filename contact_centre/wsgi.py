"""WSGI entry point for gunicorn: `gunicorn -w 1 --threads 100 contact_centre.wsgi:app`."""

import sys

from contact_centre.app import create_app, start_sweeper
from contact_centre.settings import SettingsError

try:
    app = create_app()
except SettingsError as exc:
    print("Configuration invalide :", *(f"  {line}" for line in exc.errors), sep="\n", file=sys.stderr)
    # 3 is gunicorn's "worker failed to boot": the arbiter stops instead of starting it again and again.
    sys.exit(3)
start_sweeper(app)
