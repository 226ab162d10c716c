"""CLI commands: policeuk."""

from __future__ import annotations
