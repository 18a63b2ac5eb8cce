"""Default parameters in one place. Every function also takes them as arguments."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Settings:
    """Build parameters (recorded in the manifest).

    Disclosure defaults follow DOMAIN §6: nothing published from fewer than
    ``min_n`` respondents; ``uncertain_n`` or a wide CI flags an estimate as
    uncertain; proportions whose numerator (or complement) is 1–2 are suppressed.
    """

    scoring: str = "standard"
    level: float = 0.95
    single_unit: str = "error"
    min_n: int = 30
    uncertain_n: int = 50
    max_halfwidth_mean: float = 0.5
    max_halfwidth_share: float = 0.10
    min_count: int = 3
    min_cell: int = 5
    alpha: float = 0.05
    power: float = 0.8
    # The police's 0–6 index has no CI: a change is judged against this minimum difference.
    official_min_difference: float = 0.2
    # The kommun whose outline (geodata/kommun.geojson) points are checked against.
    kommunkod: str = "1285"

    def as_dict(self) -> dict:
        return asdict(self)
