"""Typed repository functions: the only place that holds SQL, one module per aggregate.

Every function that reads or changes user data takes the acting `User` and touches only
that user's rows (the seed's row-level security, enforced here once). Another user's id
gives `NotFound`, exactly as an id that does not exist, so ids reveal nothing.

Callers use `from framepilot.store import repository as repo` and `repo.<function>`; this
package re-exports each aggregate's public functions by name (a new one is added here too).
"""

from framepilot.store.repository._common import AlreadyExists as AlreadyExists
from framepilot.store.repository._common import NotFound as NotFound
from framepilot.store.repository._common import UnreadableRow as UnreadableRow
from framepilot.store.repository._common import new_id as new_id
from framepilot.store.repository.api_tokens import insert_api_token as insert_api_token
from framepilot.store.repository.api_tokens import list_api_tokens as list_api_tokens
from framepilot.store.repository.api_tokens import revoke_api_token as revoke_api_token
from framepilot.store.repository.api_tokens import user_for_token_hash as user_for_token_hash
from framepilot.store.repository.audit import append_audit_entry as append_audit_entry
from framepilot.store.repository.audit import audit_entries as audit_entries
from framepilot.store.repository.cache import cache_get as cache_get
from framepilot.store.repository.cache import cache_put as cache_put
from framepilot.store.repository.edit_steps import count_edit_steps as count_edit_steps
from framepilot.store.repository.edit_steps import delete_user_cut as delete_user_cut
from framepilot.store.repository.edit_steps import pop_edit_step as pop_edit_step
from framepilot.store.repository.edit_steps import push_edit_step as push_edit_step
from framepilot.store.repository.edit_steps import save_user_cut as save_user_cut
from framepilot.store.repository.edit_steps import user_cut_frames as user_cut_frames
from framepilot.store.repository.edits import clear_cut_choices as clear_cut_choices
from framepilot.store.repository.edits import cut_choices as cut_choices
from framepilot.store.repository.edits import save_cut_choices as save_cut_choices
from framepilot.store.repository.encrypted import ENCRYPTED_COLUMNS as ENCRYPTED_COLUMNS
from framepilot.store.repository.encrypted import EncryptedColumn as EncryptedColumn
from framepilot.store.repository.encrypted import EncryptedValue as EncryptedValue
from framepilot.store.repository.encrypted import encrypted_values as encrypted_values
from framepilot.store.repository.encrypted import replace_encrypted_values as replace_encrypted_values
from framepilot.store.repository.jobs import claim_job as claim_job
from framepilot.store.repository.jobs import count_jobs_by_status as count_jobs_by_status
from framepilot.store.repository.jobs import create_job as create_job
from framepilot.store.repository.jobs import finish_job as finish_job
from framepilot.store.repository.jobs import get_job as get_job
from framepilot.store.repository.jobs import get_jobs as get_jobs
from framepilot.store.repository.jobs import job_for_worker as job_for_worker
from framepilot.store.repository.jobs import list_jobs as list_jobs
from framepilot.store.repository.jobs import queued_jobs as queued_jobs
from framepilot.store.repository.jobs import reap_job_if_stale as reap_job_if_stale
from framepilot.store.repository.jobs import request_cancel as request_cancel
from framepilot.store.repository.jobs import requeue_job as requeue_job
from framepilot.store.repository.jobs import reset_job_for_retry as reset_job_for_retry
from framepilot.store.repository.jobs import stale_running_jobs as stale_running_jobs
from framepilot.store.repository.jobs import update_job_progress as update_job_progress
from framepilot.store.repository.llm_calls import _CALL_COLUMNS as _CALL_COLUMNS  # benchmarks and tests build rows
from framepilot.store.repository.llm_calls import list_llm_calls as list_llm_calls
from framepilot.store.repository.llm_calls import llm_call_rows_after as llm_call_rows_after
from framepilot.store.repository.llm_calls import month_spend_usd as month_spend_usd
from framepilot.store.repository.llm_calls import record_llm_call as record_llm_call
from framepilot.store.repository.llm_calls import record_llm_calls_bulk as record_llm_calls_bulk
from framepilot.store.repository.llm_calls import reserve_budget as reserve_budget
from framepilot.store.repository.llm_usage import DAILY_COLUMNS as DAILY_COLUMNS
from framepilot.store.repository.llm_usage import DAILY_KEY as DAILY_KEY
from framepilot.store.repository.llm_usage import DAILY_MEASURES as DAILY_MEASURES
from framepilot.store.repository.llm_usage import EXPORT_CALL_COLUMNS as EXPORT_CALL_COLUMNS
from framepilot.store.repository.llm_usage import LATENCY_BOUNDS_MS as LATENCY_BOUNDS_MS
from framepilot.store.repository.llm_usage import LATENCY_KEY as LATENCY_KEY
from framepilot.store.repository.llm_usage import LATENCY_MEASURES as LATENCY_MEASURES
from framepilot.store.repository.llm_usage import VIDEO_DAY_KEY as VIDEO_DAY_KEY
from framepilot.store.repository.llm_usage import VIDEO_DAY_MEASURES as VIDEO_DAY_MEASURES
from framepilot.store.repository.llm_usage import VIDEO_KEY as VIDEO_KEY
from framepilot.store.repository.llm_usage import VIDEO_MEASURES as VIDEO_MEASURES
from framepilot.store.repository.llm_usage import add_call_to_rollups as add_call_to_rollups
from framepilot.store.repository.llm_usage import add_calls_to_rollups as add_calls_to_rollups
from framepilot.store.repository.llm_usage import iter_llm_calls as iter_llm_calls
from framepilot.store.repository.llm_usage import latency_bucket as latency_bucket
from framepilot.store.repository.llm_usage import latency_histogram as latency_histogram
from framepilot.store.repository.llm_usage import spend_since as spend_since
from framepilot.store.repository.llm_usage import top_videos as top_videos
from framepilot.store.repository.llm_usage import usage_daily_rows as usage_daily_rows
from framepilot.store.repository.llm_usage import usage_overview as usage_overview
from framepilot.store.repository.note_marks import note_marks as note_marks
from framepilot.store.repository.note_marks import save_note_mark as save_note_mark
from framepilot.store.repository.quotas import get_quota_overrides as get_quota_overrides
from framepilot.store.repository.quotas import quota_usage as quota_usage
from framepilot.store.repository.quotas import set_quota_overrides as set_quota_overrides
from framepilot.store.repository.rate_limits import rate_limit_clear as rate_limit_clear
from framepilot.store.repository.rate_limits import rate_limit_expiry as rate_limit_expiry
from framepilot.store.repository.rate_limits import rate_limit_hits as rate_limit_hits
from framepilot.store.repository.rate_limits import rate_limit_incr as rate_limit_incr
from framepilot.store.repository.sessions import SessionRecord as SessionRecord
from framepilot.store.repository.sessions import insert_session as insert_session
from framepilot.store.repository.sessions import insert_sign_in_code as insert_sign_in_code
from framepilot.store.repository.sessions import live_session as live_session
from framepilot.store.repository.sessions import revoke_session as revoke_session
from framepilot.store.repository.sessions import take_sign_in_code as take_sign_in_code
from framepilot.store.repository.sessions import touch_session as touch_session
from framepilot.store.repository.users import count_users as count_users
from framepilot.store.repository.users import find_user as find_user
from framepilot.store.repository.users import get_user as get_user
from framepilot.store.repository.users import insert_user as insert_user
from framepilot.store.repository.users import link_identity as link_identity
from framepilot.store.repository.users import list_users as list_users
from framepilot.store.repository.users import set_password_hash as set_password_hash
from framepilot.store.repository.users import set_user_admin as set_user_admin
from framepilot.store.repository.users import set_user_disabled as set_user_disabled
from framepilot.store.repository.users import user_credentials as user_credentials
from framepilot.store.repository.users import user_for_identity as user_for_identity
from framepilot.store.repository.videos import UNREADABLE_NAME as UNREADABLE_NAME
from framepilot.store.repository.videos import completed_stages as completed_stages
from framepilot.store.repository.videos import create_video as create_video
from framepilot.store.repository.videos import delete_video as delete_video
from framepilot.store.repository.videos import find_video_by_sha256 as find_video_by_sha256
from framepilot.store.repository.videos import forget_stage as forget_stage
from framepilot.store.repository.videos import get_shots as get_shots
from framepilot.store.repository.videos import get_transcript as get_transcript
from framepilot.store.repository.videos import get_video as get_video
from framepilot.store.repository.videos import latest_director_result as latest_director_result
from framepilot.store.repository.videos import list_director_results as list_director_results
from framepilot.store.repository.videos import list_videos as list_videos
from framepilot.store.repository.videos import list_voiceovers as list_voiceovers
from framepilot.store.repository.videos import mark_stage_done as mark_stage_done
from framepilot.store.repository.videos import rewrite_media_paths as rewrite_media_paths
from framepilot.store.repository.videos import save_director_result as save_director_result
from framepilot.store.repository.videos import save_probe as save_probe
from framepilot.store.repository.videos import save_shots as save_shots
from framepilot.store.repository.videos import save_transcript as save_transcript
from framepilot.store.repository.videos import save_voiceover as save_voiceover
from framepilot.store.repository.videos import set_video_language as set_video_language
from framepilot.store.repository.videos import set_video_status as set_video_status
from framepilot.store.repository.videos import shot_counts as shot_counts
from framepilot.store.repository.videos import video_filenames as video_filenames

__all__ = [
    "AlreadyExists",
    "DAILY_COLUMNS",
    "DAILY_KEY",
    "DAILY_MEASURES",
    "ENCRYPTED_COLUMNS",
    "EXPORT_CALL_COLUMNS",
    "EncryptedColumn",
    "EncryptedValue",
    "LATENCY_BOUNDS_MS",
    "LATENCY_KEY",
    "LATENCY_MEASURES",
    "NotFound",
    "SessionRecord",
    "UNREADABLE_NAME",
    "UnreadableRow",
    "VIDEO_DAY_KEY",
    "VIDEO_DAY_MEASURES",
    "VIDEO_KEY",
    "VIDEO_MEASURES",
    "add_call_to_rollups",
    "add_calls_to_rollups",
    "cache_get",
    "cache_put",
    "claim_job",
    "completed_stages",
    "count_users",
    "create_job",
    "create_video",
    "cut_choices",
    "delete_video",
    "encrypted_values",
    "find_user",
    "find_video_by_sha256",
    "finish_job",
    "forget_stage",
    "get_job",
    "get_jobs",
    "count_jobs_by_status",
    "get_quota_overrides",
    "quota_usage",
    "set_quota_overrides",
    "get_shots",
    "get_transcript",
    "get_user",
    "get_video",
    "set_video_language",
    "insert_api_token",
    "insert_session",
    "insert_sign_in_code",
    "insert_user",
    "iter_llm_calls",
    "job_for_worker",
    "latency_bucket",
    "latency_histogram",
    "latest_director_result",
    "link_identity",
    "list_api_tokens",
    "list_director_results",
    "list_jobs",
    "list_llm_calls",
    "list_users",
    "list_videos",
    "list_voiceovers",
    "live_session",
    "llm_call_rows_after",
    "mark_stage_done",
    "month_spend_usd",
    "new_id",
    "queued_jobs",
    "rate_limit_clear",
    "rate_limit_expiry",
    "rate_limit_hits",
    "rate_limit_incr",
    "reap_job_if_stale",
    "record_llm_call",
    "record_llm_calls_bulk",
    "replace_encrypted_values",
    "request_cancel",
    "requeue_job",
    "reserve_budget",
    "reset_job_for_retry",
    "revoke_api_token",
    "revoke_session",
    "rewrite_media_paths",
    "save_cut_choices",
    "save_director_result",
    "save_probe",
    "save_shots",
    "save_transcript",
    "save_voiceover",
    "set_password_hash",
    "set_user_admin",
    "set_user_disabled",
    "set_video_status",
    "shot_counts",
    "spend_since",
    "stale_running_jobs",
    "take_sign_in_code",
    "top_videos",
    "touch_session",
    "update_job_progress",
    "usage_daily_rows",
    "usage_overview",
    "user_credentials",
    "user_for_identity",
    "user_for_token_hash",
    "video_filenames",
]
