"""The importers: one module per source, each defining its ``IMPORTER``.

::

    sql.py          SQL over staged text columns: text, number, count, day, … and row checks
    pseudonyms.py   the store's salt and sha256 pseudonyms for callers' and victims' ids
    flow.py         Layout, Target, TableLoad and the shared flow (import_layout): the guarantees
    importer.py     Importer: a source's name, help, layouts, targets, options and run
    registry.py     IMPORTERS: every importer; ``crimeplan import NAME`` is made from it

    incidents.py    survey.py    reoffending.py    peers.py (and the ONS PFA file)
    population.py   areas.py (and the ONS LSOA lookup, the LPU list)
    crimes.py       a force's extract (crimeplan.data.extract does the work)
    policeuk.py     police.uk archive files (crimeplan.data.policeuk does the work)

Nothing is imported here, so that a module of the package loads only what it uses.
"""
