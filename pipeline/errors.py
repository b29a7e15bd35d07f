"""The one exception hierarchy of regpipe.

Every error raised on purpose by the library derives from :class:`RegpipeError`. Errors caused
by bad input (:class:`InputError` and its subclasses) carry the offending path and a reason a
user can act on; the CLI turns any :class:`RegpipeError` into one clear line and a non-zero exit
code. Anything else that escapes is a bug.
"""
from __future__ import annotations

from pathlib import Path


class RegpipeError(Exception):
    """Base class of every error regpipe raises on purpose."""


class InputError(RegpipeError):
    """A notice file that cannot be turned into text.

    Attributes:
        path: the file (``Path`` or ``None`` for in-memory input).
        reason: a short human-readable reason, e.g. ``"empty file"``.
    """

    def __init__(self, path: Path | str | None, reason: str):
        self.path = Path(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class EmptyInputError(InputError):
    """The file has no bytes, or no text once markup and whitespace are removed."""


class BinaryInputError(InputError):
    """The file is binary (not text, HTML or a PDF)."""


class EncodingError(InputError):
    """The file's bytes decode as no known text encoding."""


class NoTextLayerError(InputError):
    """A PDF whose pages have no text layer (a scan): OCR is out of scope."""


class StoreError(RegpipeError):
    """The SQLite database is missing, unreadable or of an unknown schema."""


class EvalError(RegpipeError):
    """Gold or prediction files for ``regpipe eval`` are missing or malformed."""


class QueryError(RegpipeError):
    """A query names something the database does not know (actor, notice, citation, ID, date).

    ``suggestions`` holds the closest known names; ``str()`` lists them.
    """

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions)
        super().__init__(message)


class DiffError(RegpipeError):
    """Two versions cannot be compared (unreadable file, unknown notice)."""


class ExportError(RegpipeError):
    """An output file (checklist, report, graph) cannot be written: unknown format, or the
    path is not writable."""


class ExtractionError(RegpipeError):
    """Extraction cannot run as asked: a cluster (``--dask``) that cannot be used or reached.
    (A bad notice file is an :class:`InputError` of that file only, never this.)"""
