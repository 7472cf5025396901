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
Ties go to the earlier line. Word lists are English and Turkish ("sen/siz", "asla", "en iyi",
"merhaba"...); other languages score on length, numbers and questions only. The reasons are
written in the line's language (phrasebook's "strength.*").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framepilot.director.language import say
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
class _Vocabulary:
    strong: frozenset[str]
    numbers: frozenset[str]
    viewer: frozenset[str]
    viewer_endings: tuple[str, ...]  # Turkish says "you" with a verb ending ("yapabilirsiniz")
    question_openers: tuple[str, ...]
    greetings: tuple[str, ...]
    mid_thought: frozenset[str]


_ENGLISH = _Vocabulary(STRONG_WORDS, NUMBER_WORDS, VIEWER_WORDS, (), QUESTION_OPENERS, GREETINGS,
                       MID_THOUGHT_OPENERS)
_TURKISH = _Vocabulary(
    strong=frozenset({"asla", "hiçbir", "hep", "herkes", "kimse", "en", "sır", "sırrı", "hata", "hatası", "hatalar",
                      "dur", "tek", "ücretsiz", "bedava", "kolay", "basit", "gerçek", "yanlış", "kesinlikle",
                      "sorun", "çözüm", "neden", "mutlaka", "büyük", "hemen", "yasak", "şok"}),
    numbers=frozenset({"iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz", "on", "yirmi", "elli", "yüz",
                       "bin", "milyon", "milyar", "yüzde", "yarım", "kat"}),
    viewer=frozenset({"sen", "siz", "senin", "sizin", "sana", "size", "seni", "sizi", "sende", "sizde"}),
    viewer_endings=("siniz", "sınız", "sunuz", "sünüz", "misiniz", "mısınız", "musunuz", "müsünüz"),
    question_openers=("neden ", "niçin ", "nasıl ", "ne zaman ", "hiç ", "biliyor musunuz", "sizce "),
    greetings=("merhaba", "selam", "herkese merhaba", "hoş geldiniz", "kanalıma hoş geldiniz", "bu videoda",
               "bugünkü videoda", "izlediğiniz için teşekkürler", "nasılsınız"),
    mid_thought=frozenset({"ve", "ama", "fakat", "yani", "çünkü", "o", "bu", "şu", "sonra", "ayrıca", "ki"}),
)
VOCABULARIES = {"en": _ENGLISH, "tr": _TURKISH}


@dataclass(frozen=True)
class LineStrength:
    score: float
    reasons: tuple[str, ...]
    language: str = "en"

    def describe(self) -> str:
        """'score 6: a question, speaks to "you", 9 words' (in Turkish for Turkish lines)."""
        head = say("strength.score", self.language, score=self.score)
        return f"{head}: " + ", ".join(self.reasons) if self.reasons else head


def score_line(text: str, language: str = "en") -> LineStrength:
    """`language` is a spoken_language code: "en", "tr" or "other" (length, numbers, questions only)."""
    vocabulary = VOCABULARIES.get(language)
    known = vocabulary is not None
    vocabulary = vocabulary or _ENGLISH

    def reason(key: str, **values: object) -> str:
        return say(f"strength.{key}", language, **values)
    words = [normalise(w, language) for w in text.split()]
    words = [w for w in words if w]
    lowered = _lower(text.strip(), language)
    score, reasons = 0.0, []

    def add(points: float, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(why)

    n = len(words)
    if n < 4:
        add(-2, reason("few", n=n))
    elif n <= 16:
        add(2, reason("words", n=n))
    elif n <= 25:
        add(0.5, reason("words", n=n))
    else:
        add(-1, reason("long", n=n))
    if _DIGIT.search(text) or (known and vocabulary.numbers & set(words)):
        add(2, reason("number"))
    if lowered.rstrip("\"'”’ ").endswith("?") or (known and lowered.startswith(vocabulary.question_openers)):
        add(2, reason("question"))
    if not known:
        return LineStrength(score, tuple(reasons), language)
    if vocabulary.viewer & set(words) or any(w.endswith(vocabulary.viewer_endings) for w in words if
                                               vocabulary.viewer_endings):
        add(2, reason("viewer"))
    strong = [w for w in dict.fromkeys(words) if w in vocabulary.strong][:3]
    for word in strong:
        add(1, reason("word", w=word))
    if lowered.startswith(vocabulary.greetings):
        add(-3, reason("greeting"))
    elif words and words[0] in vocabulary.mid_thought:
        add(-1, reason("starts", w=words[0]))
    return LineStrength(score, tuple(reasons), language)


def is_greeting(text: str, language: str = "en") -> bool:
    return _lower(text.strip(), language).startswith(VOCABULARIES.get(language, _ENGLISH).greetings)


def _lower(text: str, language: str) -> str:
    if language == "tr":  # Turkish capitals: I is ı, İ is i
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()
