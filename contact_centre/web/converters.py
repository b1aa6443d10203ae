"""URL converters: an id in a URL is one a row can have, or the URL names nothing (404)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

# The schema's ids are INTEGER: 32 bits on PostgreSQL, where a larger number is an error, not a miss.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` bounded to what a row id can be: 2**70 is a 404, not an overflow (500) in the database driver."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
