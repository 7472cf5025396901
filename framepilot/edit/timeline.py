"""Timelines for editors: the kept ranges of a cut list as an OpenTimelineIO timeline.

One video track (and, when the file has sound, one audio track) of clips laid end to end,
each clip a kept range of the original file at the video's frame rate. The media reference is
the file's name as it was uploaded, which is what an editor relinks to on their own disk, never
a path or URL on the server. Written as `.otio`, and through OTIO's maintained adapters as
CMX 3600 EDL (each event cuts picture and sound together, `AA/V`), FCP 7 XML (Premiere,
Resolve) and FCPXML (Final Cut Pro). Nothing here decides what to cut: the cut list does.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
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
# An EDL event's channels: picture and both sound channels of the source, cut together.
EDL_PICTURE_AND_SOUND = "AA/V"
_EDL_VIDEO_EVENT = re.compile(r"^(\d{3}  \S+\s+)V    ( [CD] )", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TimelineError(FramePilotError, ValueError):
    """The edit cannot be written in this format; the message says why."""

    user_facing = True


def timeline_rate(fps: float) -> float:
    """The editors' name for a measured frame rate: 29.97 is 30000/1001, 30.0002 is 30."""
    for rate in (*NTSC_RATES, float(round(fps))):
        if abs(fps - rate) < 0.01:
            return rate
    return fps


def media_name(uploaded: str | Path) -> str:
    """The bare file name an editor relinks to: whatever folders came with it dropped (either
    kind of slash), control characters (which would start a new EDL line) made harmless."""
    name = PureWindowsPath(PurePosixPath(str(uploaded)).name).name
    return _CONTROL.sub("_", name).strip() or "video"


def build_timeline(cut_list: CutList, uploaded: str | Path, name: str, has_audio: bool = True,
                   url_quoted: bool = True) -> otio.schema.Timeline:
    """The edit as an OTIO timeline: the kept ranges, in order, on a video (and audio) track.

    Every clip references the original by the name it was uploaded under (a relative URL, or
    the plain name where the format is not a URL, as in an EDL's FROM CLIP comment)."""
    rate = timeline_rate(cut_list.fps)
    name = _CONTROL.sub("_", name)
    media_path = Path(media_name(uploaded))
    target_url = quote(media_path.name) if url_quoted else media_path.name
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


def timeline_text(cut_list: CutList, uploaded: str | Path, name: str, fmt: TimelineFormat,
                  has_audio: bool = True) -> str:
    """The edit written in one of the editor formats; `uploaded` is the original's name as the
    user uploaded it (a path is reduced to its name)."""
    adapter = FORMATS[fmt][0]
    rate = timeline_rate(cut_list.fps)
    if fmt != TimelineFormat.OTIO and not otio.opentime.RationalTime.is_valid_timecode_rate(rate):
        raise TimelineError(f"{FORMATS[fmt][3]} counts in SMPTE timecode, which has no {cut_list.fps:g} fps; "
                            "use OpenTimelineIO.")
    if fmt == TimelineFormat.FCPXML:
        _teach_fcpxml_exact_ntsc_rates()
    if fmt == TimelineFormat.EDL:
        # OTIO's CMX writer lists one track's events: write the picture's, then say that each
        # event takes the sound with it (the audio track is the same ranges).
        timeline = build_timeline(cut_list, uploaded, name, has_audio=False, url_quoted=False)
        text = otio.adapters.write_to_string(timeline, adapter_name=adapter, rate=rate)
        return _EDL_VIDEO_EVENT.sub(rf"\g<1>{EDL_PICTURE_AND_SOUND:<5}\g<2>", text) if has_audio else text
    timeline = build_timeline(cut_list, uploaded, name, has_audio)
    return otio.adapters.write_to_string(timeline, adapter_name=adapter)


def file_name(stem: str, fmt: TimelineFormat) -> str:
    return f"{stem}-edit{FORMATS[fmt][1]}"
