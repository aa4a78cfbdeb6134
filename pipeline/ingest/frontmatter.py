"""Markdown YAML front matter, read defensively.

Front matter holds a few ``key: value`` lines, but YAML can do much more: an "alias bomb" of a
few kilobytes (anchors that refer to anchors) expands to gigabytes once the values are copied,
and a wrong date (``2021-02-30``) makes PyYAML's date constructor raise ValueError. So the block
is size-limited, anchors and aliases are refused, and a date that is not a date is kept as the
text it was, with a note.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import InputError
from .records import first_line

HINT = "fix the block between the two '---' lines"


class _Refused(yaml.YAMLError):
    """YAML that is valid but not accepted in front matter."""


class FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without anchors or aliases, whose bad dates stay text (noted in ``notes``)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.notes: list[str] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            what = ("alias *" if isinstance(event, yaml.AliasEvent) else "anchor &") + event.anchor
            raise _Refused(f"uses a YAML {what} on line {event.start_mark.line + 1}; anchors "
                           "and aliases are not allowed in front matter, write the values out")
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            self.notes.append(f"front matter: {node.value!r} is not a valid date ({exc}); "
                              "kept as text")
            return node.value


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                  FrontMatterLoader.construct_yaml_timestamp)


def load_front_matter(block: str, max_kb: float) -> tuple[dict[str, Any], list[str]]:
    """The front matter as a dict and notes on what was changed; :class:`InputError` when it
    cannot be used (too large, not YAML, anchors, not a mapping, nested too deeply)."""
    size = len(block.encode("utf-8"))
    if size > max_kb * 1024:
        raise InputError(f"front matter is {size / 1024:.0f} KB, over "
                         f"ingest.read.max_front_matter_kb ({max_kb:g} KB)",
                         hint="front matter is for a few fields; move long text into the body",
                         code="RD205")
    loader = FrontMatterLoader(block)
    try:
        loaded = loader.get_single_data()
    except _Refused as exc:
        raise InputError(f"front matter {exc}", hint=HINT, code="RD205") from None
    except yaml.YAMLError as exc:
        raise InputError(f"front matter is not valid YAML ({first_line(exc)})", hint=HINT,
                         code="RD205") from None
    except RecursionError:
        raise InputError("front matter is nested too deeply", hint=HINT, code="RD205") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor refusing a value
        raise InputError(f"front matter has a value YAML cannot convert ({first_line(exc)})",
                         hint=HINT, code="RD205") from None
    finally:
        loader.dispose()
    if loaded is not None and not isinstance(loaded, dict):
        raise InputError("front matter must be a mapping of 'key: value' lines", code="RD205")
    return loaded or {}, loader.notes
