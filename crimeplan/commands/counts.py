"""CLI commands: counts."""

from __future__ import annotations
