"""The product's own errors: every failure a user can cause is one of these, translated at the edge."""

from __future__ import annotations


class NarrativeError(Exception):
    """Base of every domain error; the CLI prints it as one line and exits non-zero."""


class InputError(NarrativeError):
    """An input file, row or field cannot be used; the message names where and why."""

    def __init__(
        self, message: str, *, path: str | None = None, row: int | None = None, field: str | None = None
    ):
        self.path = path
        self.row = row
        self.field = field
        where = ""
        if path:
            where = str(path)
            if row is not None:
                where += f":{row}"
        if field:
            where += f" [{field}]" if where else f"[{field}]"
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message


class DecodeError(InputError):
    """Bytes that are not text in any encoding we read (binary, or undecodable)."""


class EmptyInputError(InputError):
    """A file or row with no article text once chrome is removed."""


class PriceDataError(InputError):
    """A price file or row that cannot be imported (bad date, number, or inconsistent bar)."""

    problems: list[str]  # every bad row of a file, set when there were several (the message lists the first)


class PriceLevelError(PriceDataError):
    """A price file whose level does not fit the stored series (another ticker or currency), not confirmed."""


class ConfigError(NarrativeError):
    """A configuration file (frames, companies, lexicons) is missing or malformed."""


class StoreError(NarrativeError):
    """The database cannot be opened or used (locked, newer schema, corrupt)."""


class StoreWriteError(StoreError):
    """A write the database refused (out of memory, an invalid value); its transaction was rolled back."""


class DatabaseLockedError(StoreError):
    """Another process holds the database's write lock beyond the bounded wait."""


class SchemaVersionError(StoreError):
    """The database was written by a newer version of the product than this one."""


class ScoringRunError(NarrativeError):
    """A scoring run could not start or finish (another run is going, or it failed)."""


class OfflineError(NarrativeError):
    """A network fetch was asked for, but the network or the optional extra is missing."""


class FetchError(NarrativeError):
    """A page, feed or sitemap could not be fetched; `retryable` when a later round may succeed."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, retryable: bool = False):
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable
        super().__init__(f"{url}: {reason}")


class DeliveryError(NarrativeError):
    """An alert could not be delivered (webhook or e-mail); it stays pending and is retried."""


class WorkerDiedError(NarrativeError):
    """A pool worker process died (killed, out of memory): the run it served fails instead of waiting forever."""


class RunCancelledError(NarrativeError):
    """A run was cancelled on request; what it had done is dropped and the previous run stays current."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the CLI's main thread: a run stops the way Ctrl-C stops it (cleanly, one line)."""
