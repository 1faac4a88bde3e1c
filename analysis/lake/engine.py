"""Where the lake's work runs: in this process (`local`) or on Ray (`ray`: a local Ray or a cluster).

Both run the same functions: a task is a plain function of picklable arguments, and the scorer is a callable
class (a stateful actor on Ray, one instance here) that map_batches feeds with Arrow batches.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.errors import ConfigError
from analysis.lake.layout import Lake

ENGINES = ("local", "ray")


class LocalEngine:
    """Tasks run at once, one after another, in this process: no Ray needed."""

    name = "local"
    workers = 1

    def put(self, value: Any) -> Any:
        """A value tasks share (on Ray: put in the object store once)."""
        return value

    def submit(self, fn: Callable, *args: Any, num_returns: int = 1) -> Any:
        """Run a task; its result (a tuple of `num_returns` results when more than one)."""
        return fn(*args)

    def get(self, handles: Any) -> Any:
        """The results of submitted tasks (here they are the results already)."""
        return handles

    def as_completed(self, handles: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """(index, result) of each task as it finishes."""
        yield from enumerate(handles)

    def map_batches(
        self, actor: type, kwargs: dict, lake: Lake, files: Sequence[str], *, columns: list[str],
        ids: list[str] | None, batch_size: int,
    ) -> Iterator[pa.Table]:  # fmt: skip
        """One actor over every batch of the files' rows (those in `ids`, or all), in order."""
        instance = actor(**kwargs)
        for path in files:
            table = read_rows(lake, path, columns, ids)
            for start in range(0, table.num_rows, batch_size):
                yield instance(table.slice(start, batch_size))

    def shutdown(self) -> None:
        """Nothing to stop."""


class RayEngine:
    """Tasks and actors on Ray: `ray.init()` here (a local Ray) or a connection to a cluster's address."""

    name = "ray"

    def __init__(self, address: str | None = None, *, workers: int | None = None):
        ray = _import_ray()
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            if address:
                _check_reachable(address)
            try:
                ray.init(address=address or None, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)  # fmt: skip
            except ConnectionError as exc:
                raise ConfigError(f"cannot reach the Ray cluster at {address}: {exc}") from exc
            except (RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {address}" if address else "a local Ray"
                raise ConfigError(f"cannot start or join {where}: {str(exc).splitlines()[0]}") from exc
            self._started = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        self._remote: dict[tuple[Callable, int], Any] = {}

    def put(self, value: Any) -> Any:
        return self._ray.put(value)

    def submit(self, fn: Callable, *args: Any, num_returns: int = 1) -> Any:
        key = (fn, num_returns)
        if key not in self._remote:
            self._remote[key] = self._ray.remote(num_returns=num_returns)(fn)
        return self._remote[key].remote(*args)

    def get(self, handles: Any) -> Any:
        return self._ray.get(handles)

    def as_completed(self, handles: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        index = {ref: i for i, ref in enumerate(handles)}
        pending = list(handles)
        while pending:
            done, pending = self._ray.wait(pending, num_returns=1)
            for ref in done:
                yield index[ref], self._ray.get(ref)

    def map_batches(
        self, actor: type, kwargs: dict, lake: Lake, files: Sequence[str], *, columns: list[str],
        ids: list[str] | None, batch_size: int,
    ) -> Iterator[pa.Table]:  # fmt: skip
        """Ray Data: each file read by a task into one block, a pool of actors over the blocks' batches.

        Ray's own read_parquet is not used: its listing task waits for a CPU that the actor pool holds when the
        actors use every CPU (2 here), and it would read every column of the articles to filter by id.
        """
        import ray.data

        refs = [self.submit(read_rows, lake, path, columns, ids) for path in files]
        self._ray.wait(refs, num_returns=len(refs), fetch_local=False)  # read before the actors take the CPUs
        dataset = ray.data.from_arrow_refs(refs)
        scored = dataset.map_batches(
            actor, fn_constructor_kwargs=kwargs, batch_size=batch_size, batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=1,
        )  # fmt: skip
        yield from scored.iter_batches(batch_format="pyarrow", batch_size=None)

    def shutdown(self) -> None:
        """Stop the local Ray this engine started (never one the caller had running)."""
        if self._started:
            self._ray.shutdown()


CONNECT_TIMEOUT_S = 5.0  # Ray itself retries an absent cluster for minutes before it gives up


def _check_reachable(address: str) -> None:
    """A TCP connection to a host:port or ray://host:port address, so an absent cluster fails in seconds."""
    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return  # 'auto', or a form Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise ConfigError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from None


def _import_ray():
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "Ray is not installed: pip install 'narrative-tone[ray]' (or run with --engine local)"
        ) from None
    try:
        import ray.data  # noqa: F401
    except ImportError:
        raise ConfigError(
            "Ray Data is not installed: pip install 'ray[data]' (or run with --engine local)"
        ) from None
    return ray


def ray_available() -> bool:
    """Whether Ray (with Ray Data) can be imported here."""
    try:
        _import_ray()
    except ConfigError:
        return False
    return True


def make_engine(name: str, *, address: str | None = None, workers: int | None = None):
    """The engine by name ('local' or 'ray'); ConfigError with what to do when Ray is missing or unreachable."""
    if name == "local":
        if address:
            raise ConfigError("--ray-address needs --engine ray")
        return LocalEngine()
    if name == "ray":
        return RayEngine(address, workers=workers or None)
    raise ConfigError(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")


def read_rows(lake: Lake, path: str, columns: list[str], ids: list[str] | None) -> pa.Table:
    """Some columns of one file's rows whose id is in `ids` (all rows for None)."""
    wanted = None if ids is None else pc.field("id").isin(pa.array(ids, pa.string()))
    return pq.read_table(path, columns=columns, filesystem=lake.fs, filters=wanted)
