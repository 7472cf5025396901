"""Domain models shared by the pipeline, the store, the jobs and the pages, one module per
aggregate: `accounts`, `videos`, `analysis` (transcript and shots), `director`, `edit`, `finish`, `jobs`,
`usage`, and `document` (the analysis document). Each pipeline stage returns one of these; the
store persists them; pages render them. Import them from here: the names below are the public ones.
"""

from framepilot.models.accounts import ApiToken as ApiToken
from framepilot.models.accounts import AuditEntry as AuditEntry
from framepilot.models.accounts import AuditEvent as AuditEvent
from framepilot.models.accounts import QuotaLimits as QuotaLimits
from framepilot.models.accounts import QuotaUsage as QuotaUsage
from framepilot.models.accounts import User as User
from framepilot.models.analysis import CameraMovement as CameraMovement
from framepilot.models.analysis import Composition as Composition
from framepilot.models.analysis import Exposure as Exposure
from framepilot.models.analysis import FrameSample as FrameSample
from framepilot.models.analysis import MotionSample as MotionSample
from framepilot.models.analysis import Segment as Segment
from framepilot.models.analysis import Shot as Shot
from framepilot.models.analysis import ShotDetection as ShotDetection
from framepilot.models.analysis import ShotScale as ShotScale
from framepilot.models.analysis import ShotSpan as ShotSpan
from framepilot.models.analysis import Transcript as Transcript
from framepilot.models.analysis import Word as Word
from framepilot.models.director import DirectorInputs as DirectorInputs
from framepilot.models.director import DirectorMode as DirectorMode
from framepilot.models.director import DirectorNote as DirectorNote
from framepilot.models.director import DirectorResult as DirectorResult
from framepilot.models.director import NoteMark as NoteMark
from framepilot.models.director import ShotListItem as ShotListItem
from framepilot.models.director import Voiceover as Voiceover
from framepilot.models.document import SCHEMA_VERSION as SCHEMA_VERSION
from framepilot.models.document import AnalysisResult as AnalysisResult
from framepilot.models.edit import Cut as Cut
from framepilot.models.edit import CutKind as CutKind
from framepilot.models.edit import CutList as CutList
from framepilot.models.edit import KeptRange as KeptRange
from framepilot.models.finish import CaptionStyle as CaptionStyle
from framepilot.models.finish import FinishOptions as FinishOptions
from framepilot.models.finish import PresetName as PresetName
from framepilot.models.finish import Stabilise as Stabilise
from framepilot.models.jobs import AnalysisParams as AnalysisParams
from framepilot.models.jobs import DirectorModes as DirectorModes
from framepilot.models.jobs import DirectorNotesParams as DirectorNotesParams
from framepilot.models.jobs import FinishParams as FinishParams
from framepilot.models.jobs import Job as Job
from framepilot.models.jobs import JobParams as JobParams
from framepilot.models.jobs import JobStatus as JobStatus
from framepilot.models.jobs import JobType as JobType
from framepilot.models.jobs import RenderEditParams as RenderEditParams
from framepilot.models.jobs import VoiceParams as VoiceParams
from framepilot.models.usage import BudgetReservation as BudgetReservation
from framepilot.models.usage import LLMCall as LLMCall
from framepilot.models.usage import Operation as Operation
from framepilot.models.usage import UsageScope as UsageScope
from framepilot.models.videos import Stage as Stage
from framepilot.models.videos import Video as Video
from framepilot.models.videos import VideoProbe as VideoProbe
from framepilot.models.videos import VideoStatus as VideoStatus

__all__ = [
    "SCHEMA_VERSION",
    "AnalysisParams",
    "AnalysisResult",
    "ApiToken",
    "QuotaLimits",
    "QuotaUsage",
    "BudgetReservation",
    "CameraMovement",
    "Composition",
    "Cut",
    "CutKind",
    "CutList",
    "DirectorInputs",
    "DirectorMode",
    "DirectorModes",
    "DirectorNote",
    "DirectorNotesParams",
    "DirectorResult",
    "Exposure",
    "FrameSample",
    "Job",
    "JobParams",
    "JobStatus",
    "JobType",
    "KeptRange",
    "LLMCall",
    "MotionSample",
    "Operation",
    "RenderEditParams",
    "Segment",
    "Shot",
    "ShotDetection",
    "ShotListItem",
    "ShotScale",
    "ShotSpan",
    "Stage",
    "Transcript",
    "UsageScope",
    "User",
    "Video",
    "VideoProbe",
    "VideoStatus",
    "VoiceParams",
    "Voiceover",
    "Word",
]
