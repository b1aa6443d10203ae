"""The counter's settings: the desks, the kiosk's reasons, the key that opens the kiosk and display."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from contact_centre.settings import existing_file, names, setting, text


@dataclass(frozen=True, kw_only=True)
class CounterSettings:
    title: ClassVar[str] = "Accueil (guichets)"

    counter_desks: tuple[str, ...] = setting(
        "COUNTER_DESKS",
        names,
        "guichets auxquels les tickets sont appelés",
        default=("Guichet 1", "Guichet 2", "Guichet 3"),
    )
    counter_reasons_file: Path | None = setting(
        "COUNTER_REASONS_FILE", existing_file, "autre liste des motifs de la borne (CSV) ; vide : celle fournie",
        default=None,
    )  # fmt: skip
    # Empty: the kiosk and the display are open, for the town hall's network.
    counter_device_key: str = setting(
        "COUNTER_DEVICE_KEY", text, "clé qui ouvre la borne et l'écran d'affichage ; vide : pages ouvertes",
        default="", secret=True,
    )  # fmt: skip
