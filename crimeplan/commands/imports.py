"""``crimeplan import …``: one sub-command per source."""

from __future__ import annotations
