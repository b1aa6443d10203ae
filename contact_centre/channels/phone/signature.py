"""Only Twilio may call the webhooks: every request carries X-Twilio-Signature, checked here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.runtime import runtime

F = TypeVar("F", bound=Callable[..., Any])


def twilio_signed(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = runtime().settings.section(PhoneSettings).twilio_auth_token
        signature = request.headers.get("X-Twilio-Signature", "")
        # request.url is the public URL Twilio called once ProxyFix has rebuilt it (PROXY_HOPS).
        if (
            not token
            or not signature
            or not RequestValidator(token).validate(request.url, request.form, signature)
        ):
            current_app.logger.warning(
                "phone webhook refused: bad or missing Twilio signature for %s", request.url
            )
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)
