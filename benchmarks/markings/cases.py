"""Markings as real guns carry them, with the fields a person reads off them: the benchmark's ground truth.

Written after the field parser and its data files were frozen, and used nowhere else (no test, no rule): these are
the close-ups "nobody tuned on". Each case is one weapon's markings, one to three lines; a field is None where the
markings do not give it. Serial numbers are made up in each maker's usual shape.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELD_NAMES = ("maker", "model", "calibre", "serial_number")


@dataclass(frozen=True)
class Case:
    source: str
    lines: tuple[str, ...]
    maker: str | None
    model: str | None
    calibre: str | None
    serial_number: str | None

    def expected(self, field: str) -> str | None:
        return getattr(self, field)


CASES = (
    Case(
        "fn-five-seven",
        ("FN HERSTAL BELGIUM", "FIVE-SEVEN  5.7x28", "386112"),
        "FN Herstal",
        "Five-seveN",
        "5.7x28",
        "386112",
    ),
    Case(
        "browning-hi-power",
        ("BROWNING ARMS COMPANY", "HI POWER  CAL. 9mm PARA", "245PZ70417"),
        "Browning",
        "Hi-Power",
        "9 mm Luger",
        "245PZ70417",
    ),
    Case("sako-85", ("SAKO 85 FINLAND", ".308 WIN", "N° B41277"), "Sako", "85", ".308 Winchester", "B41277"),
    Case("tikka-t3x", ("TIKKA T3X", "6,5x55", "F93412"), "Tikka", "T3x", "6.5x55", "F93412"),
    Case(
        "benelli-montefeltro",
        ("BENELLI ARMI URBINO", "MONTEFELTRO CAL. 12/76", "M891224"),
        "Benelli",
        "Montefeltro",
        "12/76",
        "M891224",
    ),
    Case(
        "verney-carron-sagittaire",
        ("VERNEY-CARRON ST ETIENNE", "SAGITTAIRE  CAL 12/70", "N° 512307"),
        "Verney-Carron",
        "Sagittaire",
        "12/70",
        "512307",
    ),
    Case(
        "ruger-gp100",
        ("STURM, RUGER & CO., INC.", "GP100  .357 MAG CAL.", "170-58341"),
        "Ruger",
        "GP100",
        ".357 Magnum",
        "170-58341",
    ),
    Case(
        "taurus-pt92",
        ("TAURUS BRASIL", "PT92 AF  CAL 9mm PARA", "TMA44187"),
        "Taurus",
        "PT92",
        "9 mm Luger",
        "TMA44187",
    ),
    Case("kimar-911", ("KIMAR MOD. 911", "CAL. 9mm P.A.K.", "11-052938"), "Kimar", "911", "9 mm P.A.K.", "11-052938"),
    Case("bruni-gap", ("BRUNI GAP", "CAL. 8mm K", "PTB 862"), "Bruni", "Gap", "8 mm P.A.K.", None),
    Case("mauser-98", ("MAUSER OBERNDORF A/N", "MOD. 98  8x57 JS", "4417"), "Mauser", "98", "8x57 JS", "4417"),
    Case(
        "walther-p99",
        ("CARL WALTHER ULM/DO.", "P99  CAL. 9mm x19", "FAL7821"),
        "Walther",
        "P99",
        "9 mm Luger",
        "FAL7821",
    ),
    Case(
        "mossberg-500",
        ("O.F. MOSSBERG & SONS INC.", "MODEL 500A  12 GA", "U778219"),
        "Mossberg",
        "500",
        "12 gauge",
        "U778219",
    ),
    Case(
        "beretta-px4",
        ("PIETRO BERETTA", "PX4 STORM  9x19", "PX112847"),
        "Beretta",
        "Px4 Storm",
        "9 mm Luger",
        "PX112847",
    ),
    Case(
        "astra-constable",
        ("ASTRA GUERNICA", "CONSTABLE  CAL 7,65", "1135290"),
        "Astra",
        "Constable",
        "7.65 mm Browning",
        "1135290",
    ),
    Case("zoraki-914", ("ZORAKI 914-TD", "9mm P.A.K.", "PTB 1026"), "Zoraki", "914", "9 mm P.A.K.", None),
)
# Text that names no field: the reader must invent none.
NO_FIELDS = (
    Case("made-in-italy", ("MADE IN ITALY",), None, None, None, None),
    Case("safety-warning", ("READ MANUAL BEFORE USE",), None, None, None, None),
)
