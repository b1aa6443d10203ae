"""The councils and GUSP sites staff choose from when entering a contact brought back from a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from contact_centre.settings import names, setting


@dataclass(frozen=True, kw_only=True)
class MeetingsSettings:
    title: ClassVar[str] = "Conseils de quartier et GUSP"

    neighbourhood_councils: tuple[str, ...] = setting(
        "NEIGHBOURHOOD_COUNCILS", names, "conseils de quartier proposés à la saisie",
        default=("Centre-ville", "Rive Gauche", "Croix-Dampierre", "Verbeau", "Schmit", "Vallée Saint-Pierre"),
    )  # fmt: skip
    gusp_sites: tuple[str, ...] = setting(
        "GUSP_SITES", names, "sites ou quartiers GUSP proposés à la saisie",
        default=("Croix-Dampierre", "Verbeau", "Rive Gauche", "Schmit", "Vallée Saint-Pierre"),
    )  # fmt: skip
