"""The demo's geography: the real ONS LSOA → ward → local authority lookup, with LPUs.

Each LSOA gets a synthetic crime weight: higher in the plan's priority areas and, for
night-time violence, in the city and town centres.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from crimeplan.demo import vocabulary as v
from crimeplan.demo.timeline import Floats

LOOKUP_FILE = "wm_lsoa_ward_lad.csv"

#: Wards at the centre of the night-time economy (more violence in the evening).
CENTRES = (
    "Ladywood",
    "Soho & Jewellery Quarter",
    "St Michael's",
    "St Peter's",
    "Bilston East",
    "St Matthew's",
    "Brierley Hill",
    "West Bromwich Central",
    "Silhill",
)


@dataclass(frozen=True)
class Geography:
    """One row per LSOA, in the lookup file's order."""

    small_area: pa.StringArray
    small_area_name: pa.StringArray
    neighbourhood: pa.StringArray
    local_authority: pa.StringArray
    lpu: pa.StringArray
    weight: Floats  # relative crime volume (sums to 1)
    centre_weight: Floats  # relative night-time violence volume (sums to 1)

    def __len__(self) -> int:
        return len(self.small_area)

    def areas_table(self) -> pa.Table:
        return pa.table(
            {
                "small_area": self.small_area,
                "small_area_name": self.small_area_name,
                "neighbourhood": self.neighbourhood,
                "lpu": self.lpu,
                "local_authority": self.local_authority,
            }
        )

    def lpu_index(self) -> np.ndarray:
        """Each LSOA's LPU as an index into ``vocabulary.LPUS``."""
        names = np.array(self.lpu.to_pylist())
        return np.searchsorted(np.array(v.LPUS), names)


def lookup_bytes() -> bytes:
    return resources.files("crimeplan.demo").joinpath(LOOKUP_FILE).read_bytes()


def load_geography(rng: np.random.Generator) -> Geography:
    table = pacsv.read_csv(pa.BufferReader(lookup_bytes()))
    ward = np.array(table["WD19NM"].to_pylist())
    authority = np.array(table["LAD19NM"].to_pylist())
    ward_lpu = {w: lpu for lpu, wards in v.BIRMINGHAM_LPU_WARDS.items() for w in wards}
    lpu_of_ward = np.array([ward_lpu.get(w, "") for w in np.unique(ward)])
    lpu = lpu_of_ward[np.searchsorted(np.unique(ward), ward)]
    lpu = np.where(lpu == "", authority, lpu)

    base = rng.lognormal(0.0, 0.45, len(ward))
    base *= np.where(np.isin(ward, v.PRIORITY_AREAS), 2.6, 1.0)
    base *= np.where(authority == "Solihull", 0.8, 1.0)
    centre = base * np.where(np.isin(ward, CENTRES), 4.0, 1.0)
    centre *= np.where(np.isin(ward, ("Ladywood",)), 3.0, 1.0)
    return Geography(
        small_area=table["LSOA11CD"].combine_chunks(),
        small_area_name=table["LSOA11NM"].combine_chunks(),
        neighbourhood=table["WD19NM"].combine_chunks(),
        local_authority=table["LAD19NM"].combine_chunks(),
        lpu=pa.array(lpu.tolist(), type=pa.string()),
        weight=base / base.sum(),
        centre_weight=centre / centre.sum(),
    )
