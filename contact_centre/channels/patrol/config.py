"""The patroller's photos: checked by content; larger or more are refused with a message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from contact_centre.settings import integer, setting


@dataclass(frozen=True, kw_only=True)
class PatrolSettings:
    title: ClassVar[str] = "Patrouille (autosaisine)"

    patrol_max_photo_bytes: int = setting(
        "PATROL_MAX_PHOTO_BYTES",
        integer(1),
        "taille maximale d'une photo, en octets",
        default=10 * 1024 * 1024,
    )
    patrol_max_photos: int = setting(
        "PATROL_MAX_PHOTOS", integer(1), "nombre maximal de photos par signalement", default=5
    )
