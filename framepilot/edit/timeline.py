"""Timelines for editors: the kept ranges of a cut list as an OpenTimelineIO timeline.

One video track (and, when the file has sound, one audio track) of clips laid end to end,
each clip a kept range of the original file at the video's frame rate; the media reference
points at the original file. Written as `.otio`, and through OTIO's maintained adapters as
CMX 3600 EDL, FCP 7 XML (Premiere, Resolve) and FCPXML (Final Cut Pro). Nothing here decides
what to cut: the cut list does.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

import opentimelineio as otio

from framepilot.errors import FramePilotError
from framepilot.models import CutList

NTSC_RATES = (24000 / 1001, 30000 / 1001, 60000 / 1001)


def _teach_fcpxml_exact_ntsc_rates() -> None:
    """The FCPXML adapter looks frame durations up by rate but keys NTSC rates by their rounded
    value (29.97); add the exact ones so a 29.97 fps timeline gets "1001/30000s" frames.
    (OTIO loads the adapter as its own module, so the table is patched there.)"""
    table = otio.adapters.from_name("fcpx_xml").module().FRAMERATE_FRAMEDURATION
    for rate, duration in zip(NTSC_RATES, ("1001/24000s", "1001/30000s", "1001/60000s")):
        table.setdefault(rate, duration)


class TimelineFormat(StrEnum):
    OTIO = "otio"
    EDL = "edl"
    FCP7_XML = "fcp7_xml"
    FCPXML = "fcpxml"


# format -> (OTIO adapter, file suffix, MIME type, label)
FORMATS: dict[TimelineFormat, tuple[str, str, str, str]] = {
    TimelineFormat.OTIO: ("otio_json", ".otio", "application/json", "OpenTimelineIO"),
    TimelineFormat.EDL: ("cmx_3600", ".edl", "text/plain", "CMX 3600 EDL"),
    TimelineFormat.FCP7_XML: ("fcp_xml", ".xml", "application/xml", "FCP 7 XML (Premiere, Resolve)"),
    TimelineFormat.FCPXML: ("fcpx_xml", ".fcpxml", "application/xml", "FCPXML (Final Cut Pro)"),
}
# EDL reel names are at most 8 characters; one source, one reel.
EDL_REEL = "AX"


class TimelineError(FramePilotError, ValueError):
    """The edit cannot be written in this format; the message says why."""

    user_facing = True


def timeline_rate(fps: float) -> float:
    """The editors' name for a measured frame rate: 29.97 is 30000/1001, 30.0002 is 30."""
    for rate in (*NTSC_RATES, float(round(fps))):
        if abs(fps - rate) < 0.01:
            return rate
    return fps


def build_timeline(cut_list: CutList, media_path: Path, name: str, has_audio: bool = True) -> otio.schema.Timeline:
    """The edit as an OTIO timeline: the kept ranges, in order, on a video (and audio) track.

    An absolute `media_path` is referenced as a file URL; a bare file name (the original of
    a video kept in S3) as a relative URL, for the editor to relink."""
    rate = timeline_rate(cut_list.fps)
    media_path = Path(media_path)
    target_url = media_path.as_uri() if media_path.is_absolute() else quote(media_path.name)
    available = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                        otio.opentime.RationalTime(cut_list.frame_count, rate))
    timeline = otio.schema.Timeline(name=name, global_start_time=otio.opentime.RationalTime(0, rate))
    kinds = [otio.schema.TrackKind.Video] + ([otio.schema.TrackKind.Audio] if has_audio else [])
    for kind in kinds:
        track = otio.schema.Track(name=f"{kind} 1", kind=kind)
        for number, kept in enumerate(cut_list.kept_ranges(), 1):
            reference = otio.schema.ExternalReference(target_url=target_url, available_range=available)
            reference.name = media_path.name
            track.append(otio.schema.Clip(
                name=f"{media_path.stem} {number}",
                media_reference=reference,
                source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(kept.start_frame, rate),
                                                     otio.opentime.RationalTime(kept.frames, rate)),
                metadata={"cmx_3600": {"reel": EDL_REEL}},
            ))
        timeline.tracks.append(track)
    return timeline


def timeline_text(cut_list: CutList, media_path: Path, name: str, fmt: TimelineFormat,
                  has_audio: bool = True) -> str:
    """The edit written in one of the editor formats."""
    adapter = FORMATS[fmt][0]
    rate = timeline_rate(cut_list.fps)
    if fmt != TimelineFormat.OTIO and not otio.opentime.RationalTime.is_valid_timecode_rate(rate):
        raise TimelineError(f"{FORMATS[fmt][3]} counts in SMPTE timecode, which has no {cut_list.fps:g} fps; "
                            "use OpenTimelineIO.")
    if fmt == TimelineFormat.FCPXML:
        _teach_fcpxml_exact_ntsc_rates()
    timeline = build_timeline(cut_list, media_path, name, has_audio and fmt != TimelineFormat.EDL)
    if fmt == TimelineFormat.EDL:
        return otio.adapters.write_to_string(timeline, adapter_name=adapter, rate=rate)
    return otio.adapters.write_to_string(timeline, adapter_name=adapter)


def file_name(stem: str, fmt: TimelineFormat) -> str:
    return f"{stem}-edit{FORMATS[fmt][1]}"
