"""The local director's languages: it writes English, and Turkish for Turkish transcripts.

`notes_language` picks the language of the notes; other transcript languages get English
notes with a clear label (`english_notes_label`), never a silent switch. `say` fills in a
note's words; `PACE` holds the speaking-rate norms, which differ because Turkish words are
longer (one agglutinated word often carries what English says in three), so the same
comfortable delivery gives fewer words a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from framepilot.director.spoken_text import is_english, is_turkish

LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "ru": "Russian", "ar": "Arabic", "ja": "Japanese", "zh": "Chinese"}


def notes_language(transcript_language: str | None) -> str:
    """"tr" for a Turkish transcript, otherwise "en"."""
    return "tr" if is_turkish(transcript_language) else "en"


def english_notes_label(transcript_language: str | None) -> str | None:
    """The label for notes written in English about a transcript in another language (not Turkish)."""
    if is_english(transcript_language) or is_turkish(transcript_language):
        return None
    name = LANGUAGE_NAMES.get(transcript_language.lower()[:2], f"'{transcript_language}'")
    return (f"English notes: the transcript is in {name}, and the local director writes English and "
            "Turkish only, so filler words and line strength were not judged.")


@dataclass(frozen=True)
class PaceNorms:
    comfortable: tuple[float, float]
    fast: float
    slow: float
    very_fast: float
    very_slow: float

    @property
    def band(self) -> str:
        return f"{self.comfortable[0]:.0f}–{self.comfortable[1]:.0f}"


PACE: dict[str, PaceNorms] = {
    "en": PaceNorms((130.0, 170.0), fast=180.0, slow=110.0, very_fast=200.0, very_slow=90.0),
    "tr": PaceNorms((105.0, 140.0), fast=150.0, slow=90.0, very_fast=170.0, very_slow=75.0),
}

CATEGORY_NAMES_TR = {
    "hook": "açılış", "pacing": "tempo", "filler": "dolgu kelimesi", "delivery": "anlatım", "silence": "sessizlik",
    "cut": "kesme", "scale": "çekim ölçeği", "exposure": "pozlama", "framing": "kadraj", "audio": "ses",
    "structure": "yapı", "script": "metin", "movement": "kamera hareketi", "light": "ışık",
}

PHRASES: dict[str, dict[str, str]] = {
    "hook_delay": {
        "en": "Nothing is said for the first {first:.1f} s, and most viewers decide within {hook:g} s. Start the "
              "video just before the first word ({at}) or open on a striking visual.",
        "tr": "İlk {first:.1f} saniyede hiçbir şey söylenmiyor; izleyicilerin çoğu ilk {hook:g} saniyede karar "
              "verir. Videoyu ilk kelimenin hemen öncesinden ({at}) başlatın ya da dikkat çeken bir görüntüyle açın.",
    },
    "hook_delay.evidence": {"en": "first word at {first:.1f} s", "tr": "ilk kelime {first:.1f} sn'de"},
    "greeting": {
        "en": "The video opens with a greeting; short videos lose viewers before the first real line.",
        "tr": "Video bir selamlamayla açılıyor; kısa videolar ilk gerçek cümleden önce izleyici kaybeder.",
    },
    "greeting.better": {
        "en": " Open with your strongest line instead: “{best}” ({at}).",
        "tr": " Bunun yerine en güçlü cümlenizle açın: “{best}” ({at}).",
    },
    "greeting.evidence": {"en": "opens with '{first}'; {strength}", "tr": "'{first}' ile açılıyor; {strength}"},
    "stronger_later": {
        "en": "A stronger line comes later: consider opening with “{best}” ({at}).",
        "tr": "Daha güçlü bir cümle sonra geliyor: “{best}” ({at}) ile açmayı düşünün.",
    },
    "stronger_later.evidence": {
        "en": "line at {start:.1f} s {best}; opening line {first}",
        "tr": "{start:.1f} sn'deki cümle {best}; açılış cümlesi {first}",
    },
    "fillers": {
        "en": "{count} filler word{s} ({labels}): cut {them} in the edit, or pause silently instead.",
        "tr": "{count} dolgu kelimesi ({labels}): kurguda kesin ya da yerine sessiz bir duraklama bırakın.",
    },
    "false_start": {
        "en": "False start: cut the first attempt in the edit so only the clean line remains.",
        "tr": "Yarım kalan başlangıç: kurguda ilk denemeyi kesin, yalnızca temiz cümle kalsın.",
    },
    "retake": {
        "en": "This sentence is started twice; cut the first attempt ({a}–{b}) in the edit.",
        "tr": "Bu cümleye iki kez başlanıyor; kurguda ilk denemeyi ({a}–{b}) kesin.",
    },
    "retake.evidence": {
        "en": "'{text}' at {start:.1f} s, restarted at {again:.1f} s",
        "tr": "'{text}' {start:.1f} sn'de, {again:.1f} sn'de yeniden başlıyor",
    },
    "pace.fast": {
        "en": "Speech is fast here, above the comfortable {band} wpm: slow down a little, or cut words rather "
              "than rushing them.",
        "tr": "Burada konuşma hızlı, rahat aralık olan dakikada {band} kelimenin üzerinde: biraz yavaşlayın ya da "
              "acele etmek yerine kelime kesin.",
    },
    "pace.slow": {
        "en": "Speech is slow here, below the comfortable {band} wpm: pick up the pace or tighten the pauses in "
              "the edit.",
        "tr": "Burada konuşma yavaş, rahat aralık olan dakikada {band} kelimenin altında: temponuzu artırın ya da "
              "kurguda duraklamaları kısaltın.",
    },
    "pace.evidence": {
        "en": "{wpm:.0f} wpm ({words} words in {seconds:.1f} s of speech)",
        "tr": "dakikada {wpm:.0f} kelime ({seconds:.1f} sn konuşmada {words} kelime)",
    },
    "silence": {
        "en": "Dead air between “{a}” and “{b}”: cut the pause down to a beat, or cover it with B-roll.",
        "tr": "“{a}” ile “{b}” arasında ölü an: duraklamayı kısa bir nefese indirin ya da B-roll ile örtün.",
    },
    "silence.evidence": {"en": "{gap:.1f} s silence", "tr": "{gap:.1f} sn sessizlik"},
    "tail": {
        "en": "Nothing is said after {at}: end the video about half a second after the last word, or use the time "
              "for an on-screen call to action.",
        "tr": "{at} sonrasında hiçbir şey söylenmiyor: videoyu son kelimeden yarım saniye sonra bitirin ya da bu "
              "süreyi ekranda bir harekete geçirici mesaj için kullanın.",
    },
    "tail.evidence": {"en": "{tail:.1f} s after the last word", "tr": "son kelimeden sonra {tail:.1f} sn"},
    "no_speech": {
        "en": "No speech was found, so these notes are visual only: the hook, pacing and filler checks need speech.",
        "tr": "Konuşma bulunamadı, bu yüzden notlar yalnızca görüntüyle ilgili: açılış, tempo ve dolgu kelimesi "
              "kontrolleri konuşma gerektirir.",
    },
    "summary.notes": {"en": "{n} note{s}: {by_count}.", "tr": "{n} not: {by_count}."},
    "summary.clean": {"en": "No problems found by the rules.", "tr": "Kurallar bir sorun bulmadı."},
    "summary.pace": {
        "en": "{wpm:.0f} wpm over {seconds:.1f} s of speech, ",
        "tr": "{seconds:.1f} sn konuşmada dakikada {wpm:.0f} kelime, ",
    },
    "summary.first_word": {"en": "first word at {first:.1f} s", "tr": "ilk kelime {first:.1f} sn'de"},
    "summary.no_speech": {
        "en": "No speech found ({reason}): visual-only notes",
        "tr": "Konuşma bulunamadı ({reason}): yalnızca görsel notlar",
    },
    "summary.shots": {"en": "{n} shot{s}", "tr": "{n} çekim"},
    "summary.all_scale": {"en": ", all {scale}", "tr": ", hepsi {scale}"},
    "summary.visual_english": {
        "en": "",
        "tr": " Çekim ölçümlerine dayanan görsel notlar (pozlama, kadraj, uzun çekimler) henüz İngilizce.",
    },
    "cut.silence": {"en": "A pause of {gap:.1f} s between “{a}” and “{b}”",
                    "tr": "“{a}” ile “{b}” arasında {gap:.1f} sn duraklama"},
    "cut.silence.evidence": {
        "en": "speech stops at {end:.2f} s and resumes at {start:.2f} s; {kept:.2f} s of it is kept",
        "tr": "konuşma {end:.2f} sn'de duruyor, {start:.2f} sn'de sürüyor; {kept:.2f} sn'si kalıyor",
    },
    "cut.filler": {"en": "Filler “{label}”", "tr": "Dolgu kelimesi “{label}”"},
    "cut.repeat": {"en": "False start: repeated {phrase}",
                   "tr": "Yarım kalan başlangıç: {phrase} iki kez söyleniyor"},
    "cut.broken": {"en": "False start: “{label}”, the word is broken off and said again",
                   "tr": "Yarım kalan başlangıç: “{label}”, kelime yarıda kesilip yeniden söyleniyor"},
    "cut.said": {"en": "“{said}” at {start:.2f}–{end:.2f} s", "tr": "“{said}” {start:.2f}–{end:.2f} sn"},
    "cut.pause_around": {"en": ", with the {pauses} it", "tr": ", çevresindeki duraklamayla ({pauses})"},
    "cut.pause": {"en": "{p:.1f} s pause {where}", "tr": "{where} {p:.1f} sn"},
    "cut.before": {"en": "before", "tr": "önce"},
    "cut.after": {"en": "after", "tr": "sonra"},
    "cut.and": {"en": " and the ", "tr": " ve "},
    "cut.retake": {"en": "Retake: the sentence is said again at {again:.1f} s; the last complete take stays",
                   "tr": "Tekrar çekim: cümle {again:.1f} sn'de yeniden söyleniyor; son tam hali kalıyor"},
    "cut.retake.evidence": {"en": "“{text}” at {start:.2f}–{end:.2f} s, said again from {again:.2f} s",
                            "tr": "“{text}” {start:.2f}–{end:.2f} sn, {again:.2f} sn'den itibaren yeniden"},
    "cut.slow_start": {"en": "Nothing is said for the first {first:.1f} s",
                       "tr": "İlk {first:.1f} saniyede hiçbir şey söylenmiyor"},
    "cut.slow_start.evidence": {"en": "first word “{word}” at {first:.2f} s",
                                "tr": "ilk kelime “{word}” {first:.2f} sn'de"},
    "cut.tail": {"en": "{tail:.1f} s run on after the last word",
                 "tr": "Son kelimeden sonra {tail:.1f} sn devam ediyor"},
    "cut.tail.evidence": {
        "en": "last word “{word}” ends at {last:.2f} s, the video at {end:.2f} s; {keep:g} s is kept",
        "tr": "son kelime “{word}” {last:.2f} sn'de bitiyor, video {end:.2f} sn'de; {keep:g} sn kalıyor",
    },
    "evidence.at": {"en": "'{label}' at {t:.1f} s", "tr": "{t:.1f} sn'de '{label}'"},
    "evidence.more": {"en": " and {more} more", "tr": " ve {more} tane daha"},
}


def say(key: str, language: str, **values: object) -> str:
    """The phrase `key` in `language` ("en" or "tr"), filled in."""
    phrases = PHRASES[key]
    return phrases.get(language, phrases["en"]).format(**values)
