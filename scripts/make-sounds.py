"""Writes the app's sounds as small WAV files: the tones the Twilio Voice SDK plays (ring,
hang-up, keypad) and the waiting-room display's chime.

The SDK fetches its tones from Twilio's CDN by default; the console passes these app-served
files instead, so no page loads anything from outside. Run once; the output is committed.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 8000
OUT = Path(__file__).resolve().parent.parent / "contact_centre" / "static" / "sounds"
# Standard DTMF pairs (low, high) in Hz.
KEYS = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477),
    "star": (941, 1209), "0": (941, 1336), "hash": (941, 1477),
}


def tone(freqs: tuple[float, ...], seconds: float) -> list[float]:
    n = int(RATE * seconds)
    fade = int(RATE * 0.01)
    samples = []
    for i in range(n):
        envelope = min(1.0, i / fade, (n - i) / fade)
        samples.append(envelope * sum(math.sin(2 * math.pi * f * i / RATE) for f in freqs) / len(freqs))
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def write(name: str, samples: list[float]) -> None:
    with wave.open(str(OUT / f"{name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(s * 0.5 * 32767)) for s in samples))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # French ringback: 440 Hz, 1.5 s on, 3.5 s off (the SDK loops it).
    write("incoming", tone((440,), 1.5) + silence(3.5))
    write("outgoing", tone((440,), 0.6))
    write("disconnect", tone((425,), 0.2) + silence(0.1) + tone((425,), 0.2) + silence(0.1) + tone((425,), 0.2))
    for key, pair in KEYS.items():
        write(f"dtmf-{key}", tone(pair, 0.15))
    # The waiting room's "ding-dong" when a ticket is called: a falling major third.
    write("chime", tone((659.3, 1318.5), 0.45) + tone((523.3, 1046.5), 0.8))


if __name__ == "__main__":
    main()
