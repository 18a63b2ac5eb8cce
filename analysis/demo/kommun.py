"""The demo kommun's own settings and vocabulary (Eslöv, kommunkod 1285; DOMAIN §2c).

The package itself is neutral: its defaults name no kommun and its walk vocabulary has
no kommun's organisations. The demo set therefore carries the same two files a real
kommun writes (``trygghet ny`` starts them): ``installningar.yaml`` with the kommun's
code and name, and ``ordlista.yaml`` with its organisations and their spellings as the
demo protocols write them (EBO, Brinova, Skånetrafiken, "lpo eslöv", ...).
"""

from __future__ import annotations

from pathlib import Path

from analysis.demo.notice import DEMO_NOTICE
from analysis.files import write_bytes
from analysis.paths import VOCABULARY_FILE
from analysis.settings import SETTINGS_FILE

KOMMUNKOD = "1285"
KOMMUN_NAMN = "Eslövs kommun"

SETTINGS = f"""# {DEMO_NOTICE}
# Demodata liknar Eslövs kommun: kommunkoden väljer kommungränsen i geodata/kommun.geojson,
# namnet står i rapporterna. En kommun skriver sin egen fil med `trygghet ny KOMMUN`.
kommunkod: "{KOMMUNKOD}"
kommun_namn: {KOMMUN_NAMN}
"""

VOCABULARY = f"""# {DEMO_NOTICE}
# Demokommunens egen ordlista för trygghetsvandringarna, ovanpå paketets neutrala
# standard (analysis/resources/walk_vocabulary.yaml). Ansvariga parter som de skrivs i
# demoprotokollen; se docs/ny_kommun.md för formatet.
responsible:
  kommunen:
    label: {KOMMUN_NAMN}
    variants: [eslövs kommun]
  eslovs_bostads_ab:
    label: Eslövs Bostads AB
    variants: [ebo, ebo ab, eslövs bostäder, eslövs bostads ab (ebo)]
  hsb:
    variants: [hsb skåne]
  brinova:
    label: Brinova
    variants: [brinova fastigheter]
  skanetrafiken:
    label: Skånetrafiken
  polisen:
    variants: [lokalpolisområde eslöv, lpo eslöv]
  raddningstjansten:
    label: Räddningstjänsten Syd
    variants: [rsyd]
  stadskarneforeningen:
    label: Stadskärneföreningen
    variants: [stadskärnan]
  kraftringen:
    label: Kraftringen
    variants: [kraftringen energi]
"""


def write(raw_dir: Path) -> list[Path]:
    """Write the demo kommun's ``installningar.yaml`` and ``ordlista.yaml``."""
    settings = raw_dir / SETTINGS_FILE
    vocabulary = raw_dir / VOCABULARY_FILE
    write_bytes(settings, SETTINGS.encode("utf-8"))
    write_bytes(vocabulary, VOCABULARY.encode("utf-8"))
    return [settings, vocabulary]
