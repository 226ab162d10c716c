"""Every importer, in one place: ``IMPORTERS``, name → ``Importer``.

``crimeplan import NAME`` is made from this list (``crimeplan.commands.sources``), so a new
source is one module defining its ``IMPORTER`` (see ``crimeplan.data.sources.importer``)
and its line below.
"""

from __future__ import annotations

from crimeplan.data.sources import (
    areas,
    crimes,
    incidents,
    peers,
    policeuk,
    population,
    reoffending,
    survey,
)
from crimeplan.data.sources.importer import Importer

IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add ``importer`` to ``IMPORTERS``: ``crimeplan import NAME`` runs it from then on."""
    if importer.name in IMPORTERS:
        raise ValueError(f"an importer named {importer.name!r} is already registered")
    IMPORTERS[importer.name] = importer
    return importer


for _source in (areas, crimes, incidents, peers, policeuk, population, reoffending, survey):
    register(_source.IMPORTER)
