"""The edit: suggested cuts as data, timelines for editors, and the tightened preview.

`cutlist` finds what to cut (a typed `CutList` of ranges with reasons); `timeline` and
`render` only read that list. `video_edit` ties them to a stored video and the user's choices.
"""
