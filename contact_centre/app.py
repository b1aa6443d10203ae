"""The application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFError, CSRFProtect
from PIL import Image
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import register_rules
from contact_centre.domain.people import StaffUser
from contact_centre.infrastructure.db import Database
from contact_centre.infrastructure.jobs import InProcessJobs, JobRunner, RQJobs
from contact_centre.infrastructure.publishing import SocketIOPublisher
from contact_centre.infrastructure.storage import FileStorage
from contact_centre.plugins import channel_plugins, load_settings
from contact_centre.runtime import Runtime, runtime
from contact_centre.services.intake import Intake
from contact_centre.settings import Settings
from contact_centre.web.console_api import console_api
from contact_centre.web.converters import IdConverter
from contact_centre.web.errors import json_error
from contact_centre.web.plugin import ChannelPlugin, ConsoleParts

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    settings = (settings or load_settings()).resolved()  # SettingsError lists every bad variable
    app = Flask(__name__, instance_path=str(settings.app.instance_path))
    app.url_map.converters["int"] = IdConverter  # every `<int:…>` of every blueprint
    # Pillow's own guard, for any image decoded beyond the checks that read the header first.
    Image.MAX_IMAGE_PIXELS = settings.storage.max_image_pixels
    app.config.update(
        SECRET_KEY=settings.app.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.app.session_cookie_secure,
        REMEMBER_COOKIE_SECURE=settings.app.session_cookie_secure,
        MAX_CONTENT_LENGTH=settings.storage.max_attachment_bytes + 1024 * 1024,
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_DEFAULT_TIMEZONE=settings.app.timezone,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead: ambassadors keep the console open all day
        TESTING=settings.app.testing,
        **dict(settings.app.flask_overrides),
    )
    if settings.app.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.app.proxy_hops,
            x_proto=settings.app.proxy_hops,
            x_host=settings.app.proxy_hops,
        )

    socketio = SocketIO(
        app,
        async_mode="threading",
        message_queue=settings.jobs.redis_url or None,
        channel=settings.jobs.socketio_channel,
        # None = same origin as the Host header only; a cross-site page cannot open a console socket.
        cors_allowed_origins=list(settings.app.allowed_origins) or None,
        logger=False,
        engineio_logger=False,
    )
    jobs: JobRunner = (
        RQJobs(settings.jobs.redis_url, settings.jobs.rq_queue)
        if settings.jobs.uses_redis
        else InProcessJobs(app)
    )
    database = Database(settings.database.database_url)
    storage = FileStorage(settings.storage.attachments_dir)
    calendar = BusinessCalendar(timezone=settings.app.timezone, subdiv=settings.app.holidays_subdiv or None)
    app.extensions["espace_citoyen"] = Runtime(
        settings=settings,
        database=database,
        socketio=socketio,
        publisher=SocketIOPublisher(socketio),
        jobs=jobs,
        storage=storage,
        base_calendar=calendar,
        intake=Intake(storage, settings.storage.max_attachment_bytes, calendar),
    )

    plugins = channel_plugins()
    for plugin in plugins:
        for channel, rules in plugin.channels.items():
            register_rules(channel, rules)
    CSRFProtect(app)
    Babel(app, locale_selector=lambda: "fr")
    _login(app)
    _blueprints(app, plugins)
    _errors(app)
    _namespace(app, socketio, plugins)

    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    # Per request (and per socket event): an open session would hold SQLite's write lock.
    app.teardown_request(_close_session)
    app.teardown_appcontext(_close_session)

    secure_cookies = settings.app.session_cookie_secure

    @app.after_request
    def _security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # The browser phone needs the microphone of its own pages; nothing needs the rest.
        response.headers.setdefault(
            "Permissions-Policy", "microphone=(self), camera=(self), geolocation=(self), payment=(), usb=()"
        )
        if secure_cookies:  # the app is told it is served over HTTPS: browsers must keep to it
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Everything is served by the app itself: no CDN, no inline script.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            # The browser phone (Twilio Voice SDK) signals over wss and reports call quality to Twilio.
            "connect-src 'self' ws: wss: https://*.twilio.com; media-src 'self'; frame-ancestors 'none'",
        )
        return response

    return app


def _login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Veuillez vous identifier pour accéder à cette page."
    manager.login_message_category = "info"

    @manager.user_loader
    def _load(user_key: str) -> StaffUser | None:
        # "id:version": a logout or a password change bumps the version and kills old cookies.
        user_id, _sep, version = user_key.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = runtime().session().get(StaffUser, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


def _blueprints(app: Flask, plugins: Sequence[ChannelPlugin]) -> None:
    from contact_centre import admin, api, auth, console, portal
    from contact_centre.console.api import bp as panel
    from contact_centre.console.strings import STRINGS

    for blueprint in (auth.bp, console.bp, api.bp, admin.bp, portal.bp):
        app.register_blueprint(blueprint)
    for plugin in plugins:
        for blueprint in plugin.pages:
            app.register_blueprint(blueprint)
        assets = ConsoleParts.blueprint(plugin)
        if assets is not None:
            app.register_blueprint(assets)
    app.extensions["console_parts"] = ConsoleParts.gather(plugins, STRINGS)
    app.register_blueprint(console_api([panel, *(bp for plugin in plugins for bp in plugin.console_api)]))
    # Machine clients authenticate with a bearer token or a signature (Twilio), not a session.
    csrf = app.extensions["csrf"]
    for blueprint in (api.bp, *(bp for plugin in plugins for bp in plugin.csrf_exempt)):
        csrf.exempt(blueprint)
    for plugin in plugins:
        if plugin.setup is not None:
            plugin.setup(app)


def _errors(app: Flask) -> None:
    def wants_json() -> bool:
        return (
            request.path.startswith(("/api/", "/console/api/"))
            or request.accept_mimetypes.best == "application/json"
        )

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        message = "Le formulaire a expiré ou n'a pas été envoyé depuis cette application. Rechargez la page."
        if wants_json():
            return json_error(message, 400, "csrf")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        messages = {
            400: "Requête invalide.",
            401: "Authentification requise.",
            403: "Vous n'avez pas accès à cette page.",
            404: "Page introuvable.",
            405: "Méthode non autorisée.",
            413: "Fichier trop volumineux.",
        }
        code = exc.code or 500
        message = messages.get(code, "Erreur.")
        if wants_json():
            return json_error(message, code, str(code))
        return render_template("error.html", code=code, message=message), code


def _namespace(app: Flask, socketio: SocketIO, plugins: Sequence[ChannelPlugin]) -> None:
    from contact_centre.console.namespace import ConsoleNamespace

    namespace = ConsoleNamespace()
    socketio.on_namespace(namespace)
    for plugin in plugins:
        for make in plugin.namespaces:
            socketio.on_namespace(make())
    app.extensions["console_namespace"] = namespace


def start_sweeper(app: Flask) -> threading.Event:
    """Each serving process refreshes its consoles and returns expired leases.

    Every process running it is harmless: the updates are conditional.
    """
    from contact_centre.jobs.tasks import sweep_queue
    from contact_centre.queue import presence

    stop = threading.Event()
    rt: Runtime = app.extensions["espace_citoyen"]
    namespace = app.extensions["console_namespace"]

    def loop() -> None:
        while not stop.wait(rt.settings.queue.sweep_interval_seconds):
            try:
                with app.app_context():
                    with rt.new_uow() as uow:
                        presence.touch(uow, namespace.sids())
                        uow.commit()
                    sweep_queue()
            except Exception:
                log.exception("queue sweep failed; retrying at the next interval")

    threading.Thread(target=loop, name="queue-sweeper", daemon=True).start()
    return stop
