"""Reading a transcript as speech: timed words, sentences, filler words, false starts.

Whisper words keep their leading space and attached punctuation (" you,"). Here every word
becomes a `Token` that keeps the written form (to rebuild clean lines) and a normalised form
(to match vocabularies). Filler words are recognised in English ('um', 'like', 'you know'...)
and Turkish ('ııı', 'eee', 'şey', 'yani', 'hani'...); `spoken_language` says which
vocabulary applies, and other languages get false starts, retakes and the fillers the transcript
marks (framepilot.pipeline.fillers hears them in the audio).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from framepilot.models import Transcript, Word

# A pause this long between two words ends a sentence even without punctuation (Whisper with
# VAD sometimes drops the full stop).
SENTENCE_PAUSE_S = 1.5
# Two neighbouring sentences this similar (difflib ratio over words) are two takes of one line;
# parallel lines ("This is the key light. This is the fill light.") score 0.8.
RETAKE_SIMILARITY = 0.9
# Without word timings, words are spread over their segment at this rate (2.5 words/s = 150 wpm).
FALLBACK_WORDS_PER_SECOND = 2.5

_TERMINAL = (".", "!", "?", "…")
_CLAUSE = (",", ";", ":")
_CUT_MARKS = ("-", "—", "–")
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "e.g.", "i.e.", "approx."})
_NORM_STRIP = re.compile(r"^[^\w']+|[^\w']+$")
# The label of a phrase said twice starts with this ("repeated 'we want to'"); the cut list reads it.
REPEATED = "repeated "

# Always fillers: hesitation sounds.
HESITATIONS = frozenset({"um", "umm", "uhm", "uh", "uhh", "er", "erm", "hmm", "mm", "mhm"})
# Hedges that add nothing to a short talking video (removing them never changes the claim).
HEDGES = frozenset({"basically", "actually"})
# "so" opening a sentence is a filler, except as an intensifier ("So many people...").
_SO_INTENSIFIED = frozenset({"much", "many", "far", "long", "few", "little", "good", "bad", "that"})
# "kind of" / "sort of" is a hedge unless it names a kind ("what kind of camera").
_KIND_OF_DETERMINERS = frozenset({
    "what", "this", "that", "a", "the", "any", "some", "every", "which", "one", "these", "those",
    "same", "other", "my", "your", "our", "their", "his", "her", "its", "first", "last", "new",
    "different", "right", "wrong", "no", "each", "another", "whatever",
})
# Before "like", these make it a verb ("I like", "would like") or a comparison ("looks like").
_LIKE_AS_WORD = frozenset({
    "i", "you", "we", "they", "would", "i'd", "we'd", "you'd", "they'd", "don't", "didn't", "do",
    "does", "doesn't", "to", "really", "look", "looks", "looked", "looking", "feel", "feels",
    "felt", "sound", "sounds", "sounded", "seem", "seems", "seemed", "something", "just", "more",
    "much", "nothing", "anything", "things", "stuff", "people", "exactly", "not", "it", "she",
    "he", "also", "might", "may", "will", "i'll", "you'll", "we'll", "what", "who",
})
# Before "you know" / "I mean", these make them the real verb ("do you know", "what I mean").
_ASIDE_BLOCKERS = frozenset({
    "do", "did", "don't", "didn't", "does", "doesn't", "if", "would", "will", "let", "to", "what",
    "whether", "as", "that", "which", "how", "all", "never", "might", "may", "can", "could",
    "should", "must", "that's", "is", "now",
})
# After "like" these show the filler use ("it's like really important" / "like, um").
_AFTER_FILLER_LIKE = frozenset({"totally", "literally", "super", "really", "very", "so", "just",
                                "basically", "honestly"})
# Single words people repeat on purpose ("very very", "no no no", "had had").
_DELIBERATE_REPEATS = frozenset({
    "very", "really", "so", "no", "yes", "yeah", "bye", "ha", "go", "had", "that", "many", "much",
    "more", "again", "far", "long", "over", "round", "on", "why", "now", "please", "blah",
})


# Turkish hesitation sounds, as Whisper writes them.
TURKISH_HESITATIONS = frozenset({
    "ı", "ıı", "ııı", "ıııı", "ıh", "ııh", "ım", "ımm", "e", "ee", "eee", "eeee", "eh", "ehh", "hmm", "mm",
    "mmm", "hı", "hıh",
})
_ALL_HESITATIONS = HESITATIONS | TURKISH_HESITATIONS
# "şey" (thing) is a noun after these ("bir şey", "her şey", "bu şey"); elsewhere it is a filler.
_SEY_AS_NOUN = frozenset({
    "bir", "her", "hiçbir", "bu", "şu", "o", "başka", "aynı", "tek", "ne", "hiç", "öyle", "böyle", "şöyle",
    "güzel", "önemli", "küçük", "büyük", "son", "ilk", "bazı", "birçok", "hangi", "kötü", "iyi", "yeni",
})
# "yani" (I mean) and "hani" (you know) are fillers opening a clause or set off by a comma;
# "işte" (well, there) only when set off on both sides.
_TURKISH_ASIDES = ("yani", "hani")
# Turkish doubles words on purpose ("yavaş yavaş", "sık sık", "tek tek"), so a single repeated
# word is a stutter only when it is one of these short function words.
_TURKISH_STUTTER_WORDS = frozenset({
    "ben", "sen", "o", "biz", "siz", "onlar", "bu", "şu", "ve", "ama", "ki", "de", "da", "bir", "için",
    "çünkü", "ne", "şimdi", "eğer", "yani", "hani", "şey", "işte", "bunu", "şunu", "onu", "bana", "sana",
})


def is_english(language: str | None) -> bool:
    """Unknown counts as English: the local transcriber always reports a language."""
    return language is None or language.lower().startswith("en")


def is_turkish(language: str | None) -> bool:
    return language is not None and language.lower().startswith("tr")


def spoken_language(language: str | None) -> str:
    """Which vocabulary applies: "en" (also for unknown), "tr", or "other"."""
    if is_english(language):
        return "en"
    return "tr" if is_turkish(language) else "other"


@dataclass(frozen=True)
class Token:
    """One spoken word: as written (with its punctuation) and normalised for matching."""

    index: int
    text: str
    norm: str
    start: float
    end: float
    filler: bool = False  # marked a filler in the transcript (framepilot.pipeline.fillers)
    heard: str | None = None  # the measurement, when only the audio had it

    @property
    def ends_sentence(self) -> bool:
        bare = self.text.rstrip("\"')]”’")
        return bare.endswith(_TERMINAL) and self.text.lower() not in _ABBREVIATIONS

    @property
    def ends_clause(self) -> bool:
        return self.ends_sentence or self.text.rstrip("\"')]”’").endswith(_CLAUSE)

    @property
    def is_cut_off(self) -> bool:
        """A word broken off mid-way: "I-", "th—"."""
        return bool(self.norm) and self.text.endswith(_CUT_MARKS)


@dataclass(frozen=True)
class Sentence:
    index: int
    tokens: tuple[Token, ...]

    @property
    def start(self) -> float:
        return self.tokens[0].start

    @property
    def end(self) -> float:
        return self.tokens[-1].end

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def word_count(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True)
class Disfluency:
    """Words to cut: a filler ("um", "you know") or a false start ("I- I", a repeated phrase)."""

    kind: str  # "filler" or "false start"
    label: str  # what was said, for evidence: "um", "you know", "I- I"
    tokens: tuple[Token, ...]

    @property
    def start(self) -> float:
        return self.tokens[0].start

    @property
    def end(self) -> float:
        return self.tokens[-1].end

    @property
    def repeated_phrase(self) -> str | None:
        """For a phrase said twice, the phrase ("we want to"); None for other disfluencies."""
        return self.label.removeprefix(REPEATED) if self.label.startswith(REPEATED) else None


@dataclass(frozen=True)
class Retake:
    """A sentence the speaker abandoned and then said again."""

    dropped: Sentence
    kept: Sentence


def normalise(word: str, language: str | None = None) -> str:
    """Lower case without surrounding punctuation; Turkish capitals lower the Turkish way (I -> ı)."""
    if is_turkish(language):
        word = word.replace("I", "ı").replace("İ", "i")
    return _NORM_STRIP.sub("", word.replace("’", "'").lower())


def transcript_tokens(transcript: Transcript, duration_s: float | None = None) -> list[Token]:
    """Every spoken word in time order. Segments without word timings get their words spread
    evenly over the segment; bare text without segments is spread at 150 wpm from 0 s."""
    raw: list[tuple[str, float, float]] = []
    marked: dict[tuple[str, float, float], Word] = {}
    for segment in transcript.segments:
        if segment.words:
            raw.extend((w.word.strip(), w.start, w.end) for w in segment.words)
            marked.update(((w.word.strip(), w.start, w.end), w) for w in segment.words if w.filler)
        else:
            raw.extend(_spread(segment.text.split(), segment.start, segment.end))
    if not raw and transcript.text.strip():
        words = transcript.text.split()
        span = len(words) / FALLBACK_WORDS_PER_SECOND
        if duration_s:
            span = min(span, duration_s)
        raw = list(_spread(words, 0.0, span))
    tokens: list[Token] = []
    for text, start, end in sorted(raw, key=lambda r: r[1]):
        if not text:
            continue
        norm = normalise(text, transcript.language)
        if not norm:
            # Punctuation on its own ("," or "—"): it belongs to the word before it.
            if tokens:
                tokens[-1] = replace(tokens[-1], text=tokens[-1].text + text, end=max(tokens[-1].end, end))
            continue
        word = marked.get((text, start, end))
        tokens.append(Token(index=len(tokens), text=text, norm=norm, start=start, end=max(end, start),
                            filler=word is not None, heard=word.heard if word is not None else None))
    return tokens


def _spread(words: list[str], start: float, end: float):
    total = sum(len(w) for w in words) or 1
    step = max(end - start, 0.0) / total
    t = start
    for word in words:
        yield word, t, t + len(word) * step
        t += len(word) * step


def split_sentences(tokens: list[Token]) -> list[Sentence]:
    """Sentences end at . ! ? or at a pause of SENTENCE_PAUSE_S or more."""
    sentences: list[Sentence] = []
    current: list[Token] = []
    for i, token in enumerate(tokens):
        current.append(token)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        long_pause = nxt is not None and nxt.start - token.end >= SENTENCE_PAUSE_S
        if nxt is None or token.ends_sentence or long_pause:
            sentences.append(Sentence(index=len(sentences), tokens=tuple(current)))
            current = []
    return sentences


class _FillerFinder:
    """Collects non-overlapping fillers of one sentence."""

    def __init__(self, sentence: Sentence) -> None:
        self.tokens = sentence.tokens
        self.found: list[Disfluency] = []
        self.taken: set[int] = set()

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""

    def add(self, i: int, n: int, label: str) -> None:
        if any(k in self.taken for k in range(i, i + n)):
            return
        self.taken.update(range(i, i + n))
        self.found.append(Disfluency("filler", label, self.tokens[i:i + n]))

    def hesitations(self, sounds: frozenset[str]) -> int | None:
        """Mark every hesitation sound (and every word the transcript marks a filler); returns
        where the sentence really opens (its first other word)."""
        for i, token in enumerate(self.tokens):
            if token.norm in sounds or token.filler:
                self.add(i, 1, token.norm)
        return next((i for i in range(len(self.tokens)) if i not in self.taken), None)

    def after_clause(self, i: int, opening: int | None) -> bool:
        return i == opening or (i > 0 and self.tokens[i - 1].ends_clause)

    def result(self) -> list[Disfluency]:
        return sorted(self.found, key=lambda d: d.start)


def find_fillers(sentence: Sentence, language: str = "en") -> list[Disfluency]:
    """Filler words in one sentence (a sentence is needed to know where it starts), in English
    or Turkish (`language` as from `spoken_language`); in other languages only the words the
    transcript marks as fillers (heard in the audio)."""
    if language == "tr":
        return _turkish_fillers(sentence)
    if language != "en":
        finder = _FillerFinder(sentence)
        finder.hesitations(frozenset())  # only what the transcript marks (heard in the audio)
        return finder.result()
    finder = _FillerFinder(sentence)
    tokens, norm, add = finder.tokens, finder.norm, finder.add
    opening = finder.hesitations(HESITATIONS)
    for i, token in enumerate(tokens):
        word, prev, nxt = token.norm, norm(i - 1), norm(i + 1)
        after_clause = finder.after_clause(i, opening)
        if word in HEDGES:
            add(i, 1, word)
        elif word == "so" and i == opening and nxt and nxt not in _SO_INTENSIFIED:
            add(i, 1, "so")
        elif word in ("kind", "sort") and nxt == "of" and prev not in _KIND_OF_DETERMINERS and i + 2 < len(tokens):
            add(i, 2, f"{word} of")
        elif word == "like" and _is_filler_like(tokens, i, after_clause):
            add(i, 1, "like")
        elif word == "you" and nxt == "know" and _is_aside(tokens, i, after_clause):
            add(i, 2, "you know")
        elif word == "i" and nxt == "mean" and _is_aside(tokens, i, after_clause):
            add(i, 2, "I mean")
    return finder.result()


def _turkish_fillers(sentence: Sentence) -> list[Disfluency]:
    """'ııı', 'eee' and the like always; 'şey' unless it is a noun ("bir şey"); 'yani' and
    'hani' opening a clause, set off by a comma or closing the sentence ('hani' not in a
    question); 'işte' only when set off on both sides ("Bu, işte, en önemli kısım")."""
    finder = _FillerFinder(sentence)
    tokens = finder.tokens
    opening = finder.hesitations(TURKISH_HESITATIONS)
    question = tokens[-1].text.rstrip("\"')]”’").endswith("?")
    for i, token in enumerate(tokens):
        word, prev = token.norm, finder.norm(i - 1)
        after_clause = finder.after_clause(i, opening)
        set_off = token.ends_clause or i == len(tokens) - 1
        if word == "şey" and (after_clause or prev not in _SEY_AS_NOUN):
            finder.add(i, 1, word)
        elif word in _TURKISH_ASIDES and (after_clause or set_off) and not (word == "hani" and question):
            finder.add(i, 1, word)
        elif word == "işte" and after_clause and token.ends_clause and not token.ends_sentence:
            finder.add(i, 1, word)
    return finder.result()


def _is_filler_like(tokens: tuple[Token, ...], i: int, after_clause: bool) -> bool:
    """'like' is a filler when set off by commas, or followed by an intensifier or a
    hesitation, unless the word before makes it a verb or a comparison ("I like", "looks like")."""
    prev = tokens[i - 1].norm if i > 0 else ""
    nxt = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    comma_after = tokens[i].text.endswith(",") and i + 1 < len(tokens)
    if comma_after and after_clause:  # ", like," or "Like, ..."
        return True
    if prev in _LIKE_AS_WORD:
        return False
    return comma_after or nxt in _AFTER_FILLER_LIKE or nxt in HESITATIONS


def _is_aside(tokens: tuple[Token, ...], i: int, after_clause: bool) -> bool:
    """'you know' / 'I mean' as an aside: followed by a comma or the end of the sentence,
    after the start of a clause ("It's hard, you know." / "I mean, look at this")."""
    if i > 0 and tokens[i - 1].norm in _ASIDE_BLOCKERS and not tokens[i - 1].ends_clause:
        return False
    second = tokens[i + 1]
    if second.ends_clause:
        return True
    nxt = tokens[i + 2].norm if i + 2 < len(tokens) else ""
    return after_clause and nxt in HESITATIONS


def find_false_starts(sentence: Sentence, language: str = "en") -> list[Disfluency]:
    """Cut-off words that restart ("I- I think") and phrases said twice ("we want to we want to").

    The first copy is the one to cut. Deliberate single-word repeats ("very very", and in
    Turkish any doubled word but a short function word: "yavaş yavaş") stay."""
    tokens = sentence.tokens
    found: list[Disfluency] = []
    taken: set[int] = set()
    for i, token in enumerate(tokens[:-1]):
        if token.is_cut_off and tokens[i + 1].norm.startswith(token.norm):
            taken.add(i)
            found.append(Disfluency("false start", f"{token.text} {tokens[i + 1].text}", (token,)))
    for n in (4, 3, 2, 1):
        for i in range(len(tokens) - 2 * n + 1):
            span = range(i, i + 2 * n)
            if any(k in taken for k in span):
                continue
            first, second = tokens[i:i + n], tokens[i + n:i + 2 * n]
            if [t.norm for t in first] != [t.norm for t in second]:
                continue
            if n == 1 and _deliberate_repeat(first[0].norm, language):
                continue
            if first[-1].ends_sentence:
                continue
            taken.update(range(i, i + n))
            phrase = " ".join(t.norm for t in first)
            found.append(Disfluency("false start", f"{REPEATED}'{phrase}'", tuple(first)))
    return sorted(found, key=lambda d: d.start)


def _deliberate_repeat(word: str, language: str) -> bool:
    if language == "tr":
        return word not in _TURKISH_STUTTER_WORDS
    return word in _DELIBERATE_REPEATS


def find_retakes(sentences: list[Sentence], language: str = "en") -> list[Retake]:
    """A sentence that the next one starts over: it is the next one's opening, or nearly the
    same sentence ("The best camera is." -> "The best camera is the one you have."). Filler
    words do not count ("Um, so the best camera is." is the same opening)."""

    def words(sentence: Sentence) -> list[str]:
        fillers = {t.index for d in find_fillers(sentence, language) for t in d.tokens}
        return [t.norm for t in sentence.tokens if t.norm not in _ALL_HESITATIONS and t.index not in fillers]

    retakes = []
    for first, second in zip(sentences, sentences[1:]):
        a, b = words(first), words(second)
        if len(a) < 3:
            continue
        restarted = len(b) > len(a) and b[:len(a)] == a
        near_copy = SequenceMatcher(None, a, b).ratio() >= RETAKE_SIMILARITY
        if restarted or near_copy:
            retakes.append(Retake(dropped=first, kept=second))
    return retakes


def disfluencies(sentences: list[Sentence], language: str = "en") -> list[Disfluency]:
    """Fillers (English and Turkish) and false starts of all sentences, in time order.
    `language` is a `spoken_language` code."""
    found: list[Disfluency] = []
    for sentence in sentences:
        fillers = find_fillers(sentence, language)
        filler_tokens = {t.index for d in fillers for t in d.tokens}
        starts = [d for d in find_false_starts(sentence, language)
                  if not filler_tokens & {t.index for t in d.tokens}]
        found.extend(fillers + starts)
    return sorted(found, key=lambda d: d.start)


def rebuild(sentence: Sentence, remove: set[int], language: str = "en") -> str:
    """The sentence without the tokens whose index is in `remove`, punctuation repaired:
    paired commas around a cut aside close up ("It was, like, good" -> "It was good"), a
    sentence end inside the cut moves to the word before it, and the new first word is
    capitalised (the Turkish way for `language` "tr")."""
    words: list[str] = []
    i = 0
    tokens = sentence.tokens
    while i < len(tokens):
        if tokens[i].index not in remove:
            words.append(tokens[i].text)
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].index in remove:
            j += 1
        last = tokens[j].text.rstrip("\"')]”’")
        at_end = j == len(tokens) - 1
        if words and at_end and last.endswith(_TERMINAL):
            words[-1] = words[-1].rstrip(",;:-—–") + last[-1]
        elif words and last.endswith(",") and words[-1].endswith(","):
            words[-1] = words[-1][:-1]
        i = j + 1
    if not words:
        return ""
    words[0] = capitalise(words[0], language)
    return " ".join(words)


def capitalise(word: str, language: str = "en") -> str:
    """The first letter in capitals; Turkish "i" becomes "İ" (`language` a spoken_language code)."""
    first = "İ" if language == "tr" and word[0] == "i" else word[0].upper()
    return first + word[1:]


def cluster_by_time(items: list[Disfluency], window_s: float) -> list[list[Disfluency]]:
    """Consecutive items no more than window_s apart, grouped (for one note per group)."""
    groups: list[list[Disfluency]] = []
    for item in sorted(items, key=lambda d: d.start):
        if groups and item.start - groups[-1][-1].end <= window_s:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups

