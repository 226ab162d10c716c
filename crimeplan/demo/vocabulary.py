"""The names the built-in demo data and the built-in West Midlands plan share.

The demo generator writes records with these offences, flags, areas, survey questions and
peer measures; the built-in plan's measures filter on the same names. Change both together.

The geography is real: ``wm_lsoa_ward_lad.csv`` is the ONS LSOA (2011) → ward (2019) →
local authority lookup for the seven West Midlands districts (Source: Office for National
Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown
copyright and database right 2019). Wards stand for neighbourhoods. The assignment of
Birmingham's wards to its four 2013 local policing units is approximate (by constituency).
Everything else in the demo (every count, rate, survey answer and peer figure) is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

FORCE = "West Midlands Police"

LOCAL_AUTHORITIES = (
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
)

LPUS = (
    "Birmingham East",
    "Birmingham North",
    "Birmingham South",
    "Birmingham West & Central",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
)

#: Birmingham wards by LPU; every other LPU is its local authority.
BIRMINGHAM_LPU_WARDS: dict[str, tuple[str, ...]] = {
    "Birmingham North": (
        "Castle Vale",
        "Erdington",
        "Gravelly Hill",
        "Kingstanding",
        "Oscott",
        "Perry Barr",
        "Perry Common",
        "Pype Hayes",
        "Stockland Green",
        "Sutton Four Oaks",
        "Sutton Mere Green",
        "Sutton Reddicap",
        "Sutton Roughley",
        "Sutton Trinity",
        "Sutton Vesey",
        "Sutton Walmley & Minworth",
        "Sutton Wylde Green",
    ),
    "Birmingham East": (
        "Acocks Green",
        "Alum Rock",
        "Bordesley Green",
        "Bromford & Hodge Hill",
        "Garretts Green",
        "Glebe Farm & Tile Cross",
        "Heartlands",
        "Shard End",
        "Sheldon",
        "Small Heath",
        "South Yardley",
        "Tyseley & Hay Mills",
        "Ward End",
        "Yardley East",
        "Yardley West & Stechford",
    ),
    "Birmingham South": (
        "Allens Cross",
        "Bartley Green",
        "Billesley",
        "Bournbrook & Selly Park",
        "Bournville & Cotteridge",
        "Brandwood & King's Heath",
        "Druids Heath & Monyhull",
        "Frankley Great Park",
        "Hall Green North",
        "Hall Green South",
        "Harborne",
        "Highter's Heath",
        "King's Norton North",
        "King's Norton South",
        "Longbridge & West Heath",
        "Moseley",
        "Northfield",
        "Quinton",
        "Rubery & Rednal",
        "Stirchley",
        "Weoley & Selly Oak",
    ),
    "Birmingham West & Central": (
        "Aston",
        "Balsall Heath West",
        "Birchfield",
        "Bordesley & Highgate",
        "Edgbaston",
        "Handsworth",
        "Handsworth Wood",
        "Holyhead",
        "Ladywood",
        "Lozells",
        "Nechells",
        "Newtown",
        "North Edgbaston",
        "Soho & Jewellery Quarter",
        "Sparkbrook & Balsall Heath East",
        "Sparkhill",
    ),
}

#: The high-crime priority areas (neighbourhoods = wards) of the plan's 7 % target.
PRIORITY_AREAS = (
    "Aston",
    "Lozells",
    "Nechells",
    "Sparkbrook & Balsall Heath East",
    "Foleshill",
    "St Michael's",
    "Castle and Priory",
    "Smethwick",
    "Chelmsley Wood",
    "Blakenall",
    "Heath Town",
)

#: The confidence experiment of paragraph 9: two treatment and two control neighbourhoods.
CONFIDENCE_TREATMENT = ("Kingstanding", "Tipton Green")
CONFIDENCE_CONTROL = ("Stockland Green", "Princes End")


@dataclass(frozen=True)
class Offence:
    """One offence of the demo's crime records."""

    offence: str
    offence_group: str  # Home Office offence group
    category: str  # police.uk category
    code: str  # Home Office offence code
    per_month: int  # about how many a month in 2012/13 (before trend and season)


VSO = "Violence and sexual offences"

#: About 13,000 crimes a month in 2012/13: hate crime 190-200 a month is 1.5 % of TRC. In
#: April 2013 the three largest offences are theft from a motor vehicle, theft from shops and
#: stalls and s20/47 assaults, each about 10 % of TRC (the seed); other theft and criminal
#: damage come next, at about 8 %.
OFFENCES: tuple[Offence, ...] = (
    Offence("Murder", "Homicide", VSO, "1", 3),
    Offence("Wounding with intent (s18)", "Violence with injury", VSO, "5D", 60),
    Offence("Assault with injury (s20/47)", "Violence with injury", VSO, "8N", 1300),
    Offence("Other violence with injury", "Violence with injury", VSO, "8P", 380),
    Offence("Common assault", "Violence without injury", VSO, "105A", 1000),
    Offence("Harassment", "Violence without injury", VSO, "8L", 480),
    Offence("Rape", "Sexual offences", VSO, "19C", 60),
    Offence("Other sexual offences", "Sexual offences", VSO, "22B", 170),
    Offence("Robbery of personal property", "Robbery", "Robbery", "34B", 330),
    Offence("Robbery of business property", "Robbery", "Robbery", "34A", 40),
    Offence("Burglary in a dwelling", "Burglary dwelling", "Burglary", "28", 1000),
    Offence(
        "Burglary in a building other than a dwelling",
        "Burglary other than dwelling",
        "Burglary",
        "30",
        1000,
    ),
    Offence("Theft from a motor vehicle", "Vehicle offences", "Vehicle crime", "45", 1400),
    Offence(
        "Theft or unauthorised taking of a motor vehicle",
        "Vehicle offences",
        "Vehicle crime",
        "48",
        520,
    ),
    Offence("Vehicle interference", "Vehicle offences", "Vehicle crime", "126", 140),
    Offence("Theft from the person", "Theft from the person", "Theft from the person", "39", 330),
    Offence("Theft of a pedal cycle", "Bicycle theft", "Bicycle theft", "44", 230),
    Offence("Theft from shops and stalls", "Shoplifting", "Shoplifting", "46", 1250),
    Offence("Other theft", "All other theft offences", "Other theft", "49", 1150),
    Offence(
        "Criminal damage", "Criminal damage and arson", "Criminal damage and arson", "58", 1050
    ),
    Offence("Arson", "Criminal damage and arson", "Criminal damage and arson", "56", 110),
    Offence("Drug offences", "Drug offences", "Drugs", "92", 700),
    Offence(
        "Possession of weapons",
        "Possession of weapons offences",
        "Possession of weapons",
        "10A",
        110,
    ),
    Offence("Public order offences", "Public order offences", "Public order", "9", 520),
    Offence(
        "Miscellaneous crimes against society",
        "Miscellaneous crimes against society",
        "Other crime",
        "99",
        180,
    ),
)

HATE_STRANDS = ("race", "religion", "sexual orientation", "disability", "transgender")

#: Incident (calls for service) categories; non-crime hate incidents are among them.
INCIDENT_CATEGORIES = (
    "Anti-social behaviour",
    "Non-crime hate incident",
    "Concern for safety",
    "Suspicious circumstances",
    "Domestic incident",
    "Road related",
    "Other incident",
)
NON_CRIME_HATE_INCIDENT = "Non-crime hate incident"

# Surveys ------------------------------------------------------------------------------------
CONFIDENCE_SURVEY = "Feeling the Difference"
CONFIDENCE_QUESTIONS = ("Have confidence in the police", "Police do a good job")
SATISFACTION_SURVEY = "Victim satisfaction"
SATISFACTION_CRIME = "Satisfied with the whole experience (crime)"
SATISFACTION_ASB = "Satisfied with the whole experience (ASB)"

# Peers --------------------------------------------------------------------------------------
#: A synthetic Most Similar Group of seven forces (invented names: the figures are synthetic).
PEER_FORCES = (
    "Peer Force A",
    "Peer Force B",
    "Peer Force C",
    "Peer Force D",
    "Peer Force E",
    "Peer Force F",
    "Peer Force G",
)

#: Peer figure keys: counts (value only) and proportions (value = positives, denominator).
PEER_MEASURES = (
    "total_recorded_crime",
    "burglary_dwelling",
    "robbery",
    "violence_with_injury",
    "burglary_dwelling_solved",
    "robbery_solved",
    "satisfaction_crime",
    "confidence",
)
