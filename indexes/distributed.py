"""Embedding on an existing distributed engine: Dask distributed or Ray (both imported lazily).

Each worker process makes the encoder once (`EncoderSpec.create`, kept in a module global of the worker)
and embeds whole batches; the driver keeps a bounded number of batches in flight and yields each result as
it arrives, so `indexes.embedders.fill_cache` can append it to the cache (a killed build resumes from there).
Without an address a local cluster of `workers` processes is started for the build and shut down after it;
with one (`tcp://scheduler:8786` for Dask, `ray://head:10001` or `auto` for Ray) the existing cluster is used,
and the project must be installed on its workers (they import `indexes.distributed`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from tqdm import tqdm

from indexes.embedders import Batch, Embedder, EncoderSpec, batches
from indexes.encoders import Encoder

ENGINES = ("local", "dask", "ray")
_WORKER_ENCODERS: dict[EncoderSpec, Encoder] = {}


def worker_encoder(spec: EncoderSpec) -> Encoder:
    """The encoder of this worker process, made on its first batch and kept for the next ones."""
    encoder = _WORKER_ENCODERS.get(spec)
    if encoder is None:
        encoder = _WORKER_ENCODERS[spec] = spec.create()
    return encoder


def encode_batch(spec: EncoderSpec, start: int, texts: list[str]) -> Batch:
    """One batch on a worker (a Dask task)."""
    return start, np.asarray(worker_encoder(spec).encode_passages(texts), dtype="float32")


def local_threads(workers: int) -> int:
    """OpenMP threads per worker of a local cluster: the cores shared out, at least one each."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


class DaskEmbedder:
    """Batches as Dask tasks over workers that each hold one encoder (one task at a time per worker)."""

    name = "dask"

    def __init__(
        self,
        spec: EncoderSpec,
        address: str | None = None,
        workers: int = 2,
        batch_size: int = 32,
        progress: bool = True,
    ) -> None:
        self.spec, self.address, self.workers = spec, address, workers
        self.batch_size, self.progress = batch_size, progress

    @contextmanager
    def client(self) -> Iterator[Any]:
        from distributed import Client, LocalCluster

        if self.address:
            with Client(self.address) as client:
                yield client
            return
        cluster = LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()

    def embed(self, texts: Sequence[str]) -> Iterator[Batch]:
        from distributed import as_completed

        spans = batches(len(texts), self.batch_size)
        if not spans:
            return
        with self.client() as client:
            spec = self.spec
            if not self.address and spec.threads is None:
                spec = EncoderSpec(spec.kind, spec.path, local_threads(self.workers))
            nworkers = max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            queue = iter(spans)

            def submit(span: tuple[int, int]) -> Any:
                start, stop = span
                return client.submit(encode_batch, spec, start, list(texts[start:stop]), pure=False)

            running = as_completed([submit(s) for _, s in zip(range(2 * nworkers), queue, strict=False)])
            with tqdm(total=len(texts), desc="向量化（Dask）", disable=not self.progress) as bar:
                for future in running:
                    start, vectors = future.result()
                    bar.update(len(vectors))
                    following = next(queue, None)
                    if following is not None:
                        running.add(submit(following))
                    yield start, vectors


class _RayEncoder:
    """A Ray Data actor: holds one encoder, embeds a batch of rows {offset, text}."""

    def __init__(self, spec: EncoderSpec) -> None:
        self.encoder = spec.create()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.encoder.encode_passages([str(t) for t in batch["text"]])
        return {"offset": batch["offset"], "vector": np.asarray(vectors, dtype="float32")}


class RayEmbedder:
    """Ray Data: the texts as a dataset, `map_batches` over an actor pool of encoders, streamed back."""

    name = "ray"

    def __init__(
        self,
        spec: EncoderSpec,
        address: str | None = None,
        workers: int = 2,
        batch_size: int = 32,
        progress: bool = True,
    ) -> None:
        self.spec, self.address, self.workers = spec, address, workers
        self.batch_size, self.progress = batch_size, progress

    @contextmanager
    def session(self) -> Iterator[None]:
        import ray

        if ray.is_initialized():
            yield
            return
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if self.address:
            ray.init(address=self.address, **options)
        else:
            ray.init(num_cpus=self.workers, **options)
        try:
            yield
        finally:
            ray.shutdown()

    def embed(self, texts: Sequence[str]) -> Iterator[Batch]:
        import ray

        if not texts:
            return
        with self.session():
            spec = self.spec
            if not self.address and spec.threads is None:
                spec = EncoderSpec(spec.kind, spec.path, local_threads(self.workers))
            context = ray.data.DataContext.get_current()
            context.execution_options.preserve_order = False
            context.enable_progress_bars = False
            rows = ray.data.from_items([{"offset": i, "text": t} for i, t in enumerate(texts)])
            embedded = rows.map_batches(
                _RayEncoder,
                fn_constructor_args=(spec,),
                batch_size=self.batch_size,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=1,
            )
            with tqdm(total=len(texts), desc="向量化（Ray）", disable=not self.progress) as bar:
                for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
                    yield from contiguous(batch["offset"], batch["vector"])
                    bar.update(len(batch["offset"]))


def contiguous(offsets: np.ndarray, vectors: np.ndarray) -> Iterator[Batch]:
    """(offset, vectors) runs of consecutive offsets, whatever order the rows came back in."""
    order = np.argsort(offsets, kind="stable")
    offsets, vectors = offsets[order], vectors[order]
    breaks = np.nonzero(np.diff(offsets) != 1)[0] + 1
    for run_offsets, run_vectors in zip(np.split(offsets, breaks), np.split(vectors, breaks), strict=True):
        if len(run_offsets):
            yield int(run_offsets[0]), np.ascontiguousarray(run_vectors, dtype="float32")


def create_embedder(
    engine: str,
    encoder: Encoder,
    spec: EncoderSpec,
    address: str | None = None,
    workers: int = 2,
    batch_size: int = 32,
    progress: bool = True,
) -> Embedder:
    """`local` embeds with `encoder` in this process; `dask` / `ray` send batches to workers that make their
    own encoder from `spec`."""
    from indexes.embedders import LocalEmbedder

    if engine == "local":
        return LocalEmbedder(encoder, batch_size, progress)
    if engine == "dask":
        return DaskEmbedder(spec, address, workers, batch_size, progress)
    if engine == "ray":
        return RayEmbedder(spec, address, workers, batch_size, progress)
    raise ValueError(f"unknown embedding engine: {engine} (expected one of {', '.join(ENGINES)})")
