"""The curated theme catalogue (``configs/themes.yaml``): names and seed words.

Read and validated up front, so a typo in the file stops the run before any clustering with a
message naming the entry, not a BERTopic traceback halfway through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..storage import sha256_file


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    seeds: tuple[str, ...]

    @property
    def text(self) -> str:
        """What is embedded to compare a theme with this entry: the name and its seed words."""
        return f"{self.name}: {', '.join(self.seeds)}"


def load_catalogue(path: str | None) -> list[CatalogueEntry]:
    if path is None:
        return []
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"theme catalogue not found: {path}",
                          hint="set themes.catalogue.path to a YAML file with 'themes: [{name, "
                          "seeds}]' (see configs/themes.yaml), or to null for none",
                          code="RD145")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", code="RD146",
                          hint="check indentation and quoting near the position shown") from None
    entries = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: expected a non-empty list under 'themes:'", code="RD146",
                          hint="each entry: {name: ..., seeds: [word, ...]}")
    catalogue = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        seeds = entry.get("seeds") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip() or not isinstance(seeds, list) \
                or not seeds or not all(isinstance(s, str) and s.strip() for s in seeds):
            raise ConfigError(f"{path}: theme {number} ({entry!r:.60}) needs a 'name' and a "
                              "non-empty list of 'seeds' (strings)", code="RD146",
                              hint="example: {name: Jongeren, seeds: [jongeren, schoolverlaters]}")
        catalogue.append(CatalogueEntry(name.strip(), tuple(s.strip().lower() for s in seeds)))
    return catalogue


def file_identity(path: str | None) -> str | None:
    """Content hash of an optional file, for the stage's cache key (None when absent)."""
    if path is None or not Path(path).is_file():
        return None
    return sha256_file(Path(path))
