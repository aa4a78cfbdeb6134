"""Bytes to text: byte-order marks, strict UTF-8, then charset-normalizer among fallbacks.

charset-normalizer alone guesses exotic code pages for short Dutch texts (cp1252 bytes come
back as mac_latin2), so we try what Dutch files really are first and let it choose only among
the configured fallback encodings.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from ..errors import InputError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB of a file without a UTF-16/32 BOM mean binary content."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in BOMS[1:]):
        return False
    return b"\x00" in head


def decode_text(data: bytes, fallback_encodings: list[str]) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`InputError` saying what went wrong."""
    if looks_binary(data):
        raise InputError("binary content (NUL bytes), not a text file",
                         hint="convert it to .txt, .docx or .pdf, or remove it from the corpus",
                         code="RD201")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise InputError(f"starts with a {encoding} byte-order mark but is not valid "
                                 f"{encoding}", code="RD202") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data, cp_isolation=fallback_encodings).best()
    if match is None or match.encoding is None:
        raise InputError(
            "cannot decode the text: not UTF-8 and none of ingest.read.fallback_encodings "
            f"({', '.join(fallback_encodings)}) fits",
            hint="save the file as UTF-8, or add its encoding to ingest.read.fallback_encodings",
            code="RD203")
    return str(match), match.encoding
