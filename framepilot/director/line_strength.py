"""How strong a spoken line is as a hook or a punch-in moment: a small, explainable score.

The heuristic (points add up; each reason is kept so notes can cite it):
- length: 6-16 words +2 (one breath, easy to follow); 17-25 words +0.5; over 25 words -1;
  fewer than 4 words -2 (too thin to stand alone)
- a number (digit or number word) +2: specific claims stop the scroll
- speaks to the viewer ("you", "your") +2
- a question +2
- strong claim words ("never", "best", "mistake", "secret"...) +1 each, at most +3
- a greeting or warm-up ("hi guys", "welcome back", "in this video") -3: the classic weak open
- starts mid-thought ("and", "but", "so") or leans on what came before ("it", "that's") -1
Ties go to the earlier line. Word lists are English; other languages score on length,
numbers and questions only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framepilot.director.spoken_text import normalise

STRONG_WORDS = frozenset({
    "never", "always", "best", "worst", "secret", "secrets", "mistake", "mistakes", "stop",
    "biggest", "only", "nobody", "everyone", "every", "most", "free", "fastest", "easiest",
    "simple", "truth", "wrong", "fail", "fails", "instantly", "proven", "must", "need",
    "don't", "nothing", "everything", "huge", "problem", "fix", "why", "exactly", "guaranteed",
})
NUMBER_WORDS = frozenset({
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
    "fifty", "hundred", "thousand", "million", "billion", "percent", "half", "double", "triple",
})
VIEWER_WORDS = frozenset({"you", "your", "you're", "yours", "yourself", "you've", "you'll"})
QUESTION_OPENERS = ("why ", "how ", "what ", "did you ", "have you ", "are you ", "do you ", "is it ")
GREETINGS = ("hi ", "hi,", "hello", "hey ", "hey,", "welcome", "my name is", "in this video",
             "in today's video", "thanks for watching", "what's up", "whats up")
MID_THOUGHT_OPENERS = frozenset({"and", "but", "so", "or", "because", "it", "it's", "that", "that's",
                                 "they", "then"})
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LineStrength:
    score: float
    reasons: tuple[str, ...]

    def describe(self) -> str:
        """'score 6: a question, speaks to "you", 9 words'."""
        return f"score {self.score:g}: " + ", ".join(self.reasons) if self.reasons else f"score {self.score:g}"


def score_line(text: str, english: bool = True) -> LineStrength:
    words = [normalise(w) for w in text.split()]
    words = [w for w in words if w]
    lowered = text.strip().lower()
    score, reasons = 0.0, []

    def add(points: float, reason: str) -> None:
        nonlocal score
        score += points
        reasons.append(reason)

    n = len(words)
    if n < 4:
        add(-2, f"only {n} words")
    elif n <= 16:
        add(2, f"{n} words")
    elif n <= 25:
        add(0.5, f"{n} words")
    else:
        add(-1, f"{n} words, long")
    if _DIGIT.search(text) or (english and NUMBER_WORDS & set(words)):
        add(2, "a number")
    if lowered.rstrip("\"'”’ ").endswith("?") or (english and lowered.startswith(QUESTION_OPENERS)):
        add(2, "a question")
    if not english:
        return LineStrength(score, tuple(reasons))
    if VIEWER_WORDS & set(words):
        add(2, "speaks to 'you'")
    strong = [w for w in dict.fromkeys(words) if w in STRONG_WORDS][:3]
    for word in strong:
        add(1, f"'{word}'")
    if lowered.startswith(GREETINGS):
        add(-3, "a greeting")
    elif words and words[0] in MID_THOUGHT_OPENERS:
        add(-1, f"starts with '{words[0]}'")
    return LineStrength(score, tuple(reasons))


def is_greeting(text: str) -> bool:
    return text.strip().lower().startswith(GREETINGS)
