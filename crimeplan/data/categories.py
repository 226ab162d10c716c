"""police.uk crime types ("categories"), today's and the ones used before May 2013.

police.uk street CSVs name each row's ``Crime type``. The list has changed three times;
the importer stores every row under today's name, so a series reads on across the changes
wherever a name simply changed, and keeps a category of its own where it cannot:

- **December 2010 (launch, first files January 2011):** Anti-social behaviour, Burglary,
  Robbery, Vehicle crime, Violent crime, Other crime.
- **September 2011 data:** out of "Other crime" came Criminal damage and arson, Drugs,
  Other theft, Shoplifting and "Public disorder and weapons".
- **May 2013 data:** "Violent crime" became "Violence and sexual offences" (sexual
  offences moved in from "Other crime"); "Public disorder and weapons" was split into
  "Public order" and "Possession of weapons"; "Bicycle theft" and "Theft from the
  person" were split out of "Other theft".

Decisions, each tested in ``tests/data/test_policeuk.py``:

- "Violent crime" is stored as **"Violence and sexual offences"**: the same category under
  its new name. The May 2013 move of sexual offences from "Other crime" is a small step in
  both series that no row-level data can undo; the import log's note says how many rows
  were renamed.
- "Public disorder and weapons" is **kept as its own category**. It cannot be split into
  "Public order" and "Possession of weapons", and putting all of it under "Public order"
  would make public order look higher before May 2013 than after. For a continuous series
  add up the three (``PUBLIC_ORDER_AND_WEAPONS``). The import log's note counts these rows.
- "Other theft" keeps its name; before May 2013 it also held bicycle theft and theft from
  the person (``OTHER_THEFT_BEFORE_MAY_2013`` names the three to add for a continuous series).
"""

from __future__ import annotations

ASB = "Anti-social behaviour"

#: police.uk's crime types today (14, since May 2013), in police.uk's order.
CURRENT: tuple[str, ...] = (
    ASB,
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Other crime",
)

VIOLENT_CRIME = "Violent crime"
PUBLIC_DISORDER_AND_WEAPONS = "Public disorder and weapons"

#: Names used before May 2013 → the name the store uses for them.
LEGACY: dict[str, str] = {
    VIOLENT_CRIME: "Violence and sexual offences",
    PUBLIC_DISORDER_AND_WEAPONS: PUBLIC_DISORDER_AND_WEAPONS,
}

#: Every ``Crime type`` a police.uk street file may hold.
KNOWN: tuple[str, ...] = CURRENT + tuple(LEGACY)

#: Add these up for a public order and weapons series that runs across May 2013.
PUBLIC_ORDER_AND_WEAPONS: tuple[str, ...] = (
    PUBLIC_DISORDER_AND_WEAPONS,
    "Public order",
    "Possession of weapons",
)

#: Add these up for an "other theft" series that runs across May 2013.
OTHER_THEFT_BEFORE_MAY_2013: tuple[str, ...] = (
    "Other theft",
    "Bicycle theft",
    "Theft from the person",
)


def current_name(crime_type: str) -> str:
    """The name the store uses for a published ``Crime type`` (today's, where there is one)."""
    return LEGACY.get(crime_type, crime_type)


def mapping_sql(column: str) -> str:
    """A SQL ``CASE`` expression mapping ``column`` (a published crime type) to the stored name."""
    cases = " ".join(
        f"WHEN {column} = '{old}' THEN '{new}'" for old, new in LEGACY.items() if old != new
    )
    return f"CASE {cases} ELSE {column} END"
