"""Attachment bytes live on disk under generated names, never under the sender's name."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class FileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{secrets.token_hex(16)}"
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a crash never leaves a truncated file under a real key.
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return StoredFile(key=key, size=len(data), sha256=digest)

    def path(self, key: str) -> Path:
        resolved = (self.root / key).resolve()
        if self.root.resolve() not in resolved.parents:
            raise ValueError("storage key escapes the storage root")
        return resolved

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()
