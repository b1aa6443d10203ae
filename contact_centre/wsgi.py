"""WSGI entry point for gunicorn: `gunicorn -w 1 --threads 100 contact_centre.wsgi:app`."""

from contact_centre.app import create_app, start_sweeper

app = create_app()
start_sweeper(app)
