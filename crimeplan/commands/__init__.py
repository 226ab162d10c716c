"""The CLI's commands, one module each. Each registers itself on a group of
``crimeplan.cli`` when imported; ``crimeplan.cli`` imports a module only when its command is
used (see ``TOP_LEVEL`` there). ``sources`` makes the ``crimeplan import`` commands, one per
importer of ``crimeplan.data.sources.registry``."""
