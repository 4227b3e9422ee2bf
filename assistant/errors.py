"""One error hierarchy: every error has a machine code, an HTTP status and a Chinese message."""

from __future__ import annotations


class AssistantError(Exception):
    code = "assistant_error"
    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidQuestion(AssistantError):
    code = "invalid_question"
    status = 422


class InvalidUSCC(AssistantError):
    code = "invalid_uscc"
    status = 422


class SubjectNotFound(AssistantError):
    code = "subject_not_found"
    status = 404


class ConversationNotFound(AssistantError):
    """A conversation id that is not this caller's (another key's or session's, expired, or never made)."""

    code = "conversation_not_found"
    status = 404


class TurnNotFound(AssistantError):
    """A turn number a conversation of this caller does not have."""

    code = "turn_not_found"
    status = 404


class NothingToExport(AssistantError):
    """No 👎 feedback with an expected answer (or marked unanswerable) in the range asked."""

    code = "nothing_to_export"
    status = 409


class DocumentNotFound(AssistantError):
    code = "document_not_found"
    status = 404


class RecordImportError(AssistantError):
    code = "record_import_error"
    status = 422


class UploadTooLarge(AssistantError):
    """An uploaded file over a size limit (bytes, rows, columns, unzipped size): refused whole."""

    code = "upload_too_large"
    status = 413


class IndexStale(AssistantError):
    code = "index_stale"
    status = 503


class NotReady(AssistantError):
    code = "not_ready"
    status = 503


class Unauthorized(AssistantError):
    code = "unauthorized"
    status = 401


class Forbidden(AssistantError):
    code = "forbidden"
    status = 403


class Overloaded(AssistantError):
    """More questions in flight than this worker takes; the client should retry shortly."""

    code = "overloaded"
    status = 503


class RequestTimeout(AssistantError):
    code = "timeout"
    status = 504


class EvalSetInvalid(AssistantError):
    """An uploaded question set with bad rows (`errors`: row, column, reason) — nothing was run."""

    code = "invalid_eval_set"
    status = 422


class EvalRunNotFound(AssistantError):
    code = "eval_run_not_found"
    status = 404


class EvalRunNotFinished(AssistantError):
    code = "eval_run_not_finished"
    status = 409


class DocumentRejected(AssistantError):
    """An uploaded document that cannot be taken in (type, size, name, content); nothing was changed."""

    code = "document_rejected"
    status = 422


class DocumentTooLarge(AssistantError):
    code = "document_too_large"
    status = 413


class DocumentExists(AssistantError):
    """An upload whose document id is already in the library (replace it with PUT instead)."""

    code = "document_exists"
    status = 409


class JobNotFound(AssistantError):
    code = "job_not_found"
    status = 404
