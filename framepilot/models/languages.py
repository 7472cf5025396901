"""The spoken languages an upload can name: Whisper's own codes, or "auto" to let Whisper
detect it. One list for the Upload page, the API and the command line (tests check it against
faster-whisper's)."""

from __future__ import annotations

AUTO = "auto"

WHISPER_LANGUAGES: dict[str, str] = {
    "en": "English", "tr": "Turkish", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "ar": "Arabic",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "hi": "Hindi", "af": "Afrikaans", "am": "Amharic",
    "as": "Assamese", "az": "Azerbaijani", "ba": "Bashkir", "be": "Belarusian", "bg": "Bulgarian",
    "bn": "Bengali", "bo": "Tibetan", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "el": "Greek", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fo": "Faroese", "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "haw": "Hawaiian",
    "he": "Hebrew", "hr": "Croatian", "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "is": "Icelandic", "jw": "Javanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer",
    "kn": "Kannada", "la": "Latin", "lb": "Luxembourgish", "ln": "Lingala", "lo": "Lao", "lt": "Lithuanian",
    "lv": "Latvian", "mg": "Malagasy", "mi": "Maori", "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian",
    "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Myanmar", "ne": "Nepali", "nn": "Nynorsk",
    "no": "Norwegian", "oc": "Occitan", "pa": "Punjabi", "ps": "Pashto", "ro": "Romanian", "sa": "Sanskrit",
    "sd": "Sindhi", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sn": "Shona", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tg": "Tajik", "th": "Thai", "tk": "Turkmen", "tl": "Tagalog", "tt": "Tatar", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "yi": "Yiddish", "yo": "Yoruba",
}


def parse_language(value: str | None) -> str | None:
    """A Whisper language code from user input ("tr", "Turkish", "auto"); None means detect.
    Raises ValueError naming the accepted values for anything else."""
    text = (value or AUTO).strip().lower()
    if text in ("", AUTO):
        return None
    if text in WHISPER_LANGUAGES:
        return text
    by_name = {name.lower(): code for code, name in WHISPER_LANGUAGES.items()}
    if text in by_name:
        return by_name[text]
    raise ValueError(f"Unknown spoken language {value!r}: use 'auto' or a Whisper language code such as "
                     "'en' or 'tr'.")
