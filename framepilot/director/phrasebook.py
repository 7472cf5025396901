"""Every sentence the local director writes, in English and Turkish: one table, data only.

`PHRASES[key][language]` is a `str.format` template; `language.say(key, language, ...)` fills
it in. Both languages of a key take the same fields (a test checks). To add a language, add
its text to every key here and teach `language.notes_language` its code. The words the
director *recognises* (fillers, line-strength words, call-to-action stems) are vocabularies and
live beside their rules in spoken_text.py, line_strength.py and full_rewrite.py.
"""

from __future__ import annotations

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
    "cut.heard": {"en": "; heard in the audio, not written in the transcript ({heard})",
                  "tr": "; transkriptte yazılı değil, seste duyuldu ({heard})"},
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
    "evidence.repeated": {"en": "repeated '{phrase}' at {t:.1f} s", "tr": "{t:.1f} sn'de tekrarlanan '{phrase}'"},
    "reason.nothing_transcribed": {"en": "nothing was transcribed", "tr": "hiçbir şey yazıya dökülmedi"},
    "reason.no_words": {"en": "0 words transcribed", "tr": "yazıya dökülen kelime yok"},
    # --- the scene director's visual notes ---------------------------------------------------
    "long_take": {"en": "A {length:.0f} s take with no cut.", "tr": "Kesmesiz {length:.0f} sn'lik bir çekim."},
    "long_take.where": {
        "en": " Cut, punch in or add B-roll at {where} ({basis}) so the picture changes at least every {every:g} s.",
        "tr": " Görüntü en az {every:g} saniyede bir değişsin diye şu anlarda kesin, yakınlaşın ya da B-roll "
              "ekleyin: {where} ({basis}).",
    },
    "long_take.middle": {"en": " Add a cut, a punch-in or B-roll in the middle.",
                         "tr": " Ortasına bir kesme, bir yakınlaşma ya da B-roll ekleyin."},
    "long_take.evidence": {"en": "take of {length:.1f} s with no cut", "tr": "kesmesiz {length:.1f} sn'lik çekim"},
    "basis.sentence_starts": {"en": "sentence starts", "tr": "cümle başları"},
    "basis.clause_breaks": {"en": "clause breaks", "tr": "cümle içi duraklar"},
    "basis.even_steps": {"en": "even steps", "tr": "eşit aralıklar"},
    "scale.ECU": {"en": "ECU", "tr": "çok yakın plan (ECU)"},
    "scale.CU": {"en": "CU", "tr": "yakın plan (CU)"},
    "scale.MCU": {"en": "MCU", "tr": "göğüs planı (MCU)"},
    "scale.MS": {"en": "MS", "tr": "bel planı (MS)"},
    "scale.FS": {"en": "FS", "tr": "boy planı (FS)"},
    "scale.WS": {"en": "WS", "tr": "genel plan (WS)"},
    "move.in": {"en": "Punch in to {target}", "tr": "{target} ölçeğine yakınlaşın"},
    "move.out": {"en": "Pull out to {target}", "tr": "{target} ölçeğine geri çekilin"},
    "scale.every": {
        "en": "Every shot is {scale}. {move} now and then (a crop in the edit works) so the viewer gets a change "
              "of scale.",
        "tr": "Bütün çekimler {scale}. İzleyici bir ölçek değişimi görsün diye ara sıra {move} (kurguda kırpmak "
              "da olur).",
    },
    "scale.moment": {
        "en": "{move} at {at} for “{line}”: every shot is {scale}, and a one-step change on a strong line adds "
              "energy without a new setup (a crop in the edit works).",
        "tr": "{at} anında “{line}” için {move}: bütün çekimler {scale}; güçlü bir cümlede tek adımlık bir ölçek "
              "değişimi, yeni kurulum gerektirmeden enerji katar (kurguda kırpmak da olur).",
    },
    "scale.evidence.all": {"en": "all {n} shots {scale}", "tr": "{n} çekimin hepsi {scale}"},
    "scale.evidence.only": {"en": "the only shot is {scale}", "tr": "tek çekim {scale}"},
    "scale.evidence.line": {"en": "{base}; line {strength}", "tr": "{base}; cümle {strength}"},
    "jump_cut": {
        "en": "Shots {a} and {b} are both {scale}, so the cut at {at} {what}. Change the scale by at least one "
              "step (e.g. {target}) or cover the cut with B-roll.",
        "tr": "{a}. ve {b}. çekimlerin ikisi de {scale}, bu yüzden {at} anındaki kesme {what}. Ölçeği en az bir "
              "adım değiştirin (ör. {target}) ya da kesmeyi B-roll ile örtün.",
    },
    "jump_cut.detected": {"en": "is a jump cut", "tr": "bir atlamalı kesme"},
    "jump_cut.looks": {"en": "reads as a jump cut", "tr": "atlamalı kesme gibi görünüyor"},
    "jump_cut.evidence": {"en": "shots {a} and {b} both {scale}", "tr": "{a}. ve {b}. çekimlerin ikisi de {scale}"},
    "jump_cut.same_framing": {"en": "; same framing either side of the cut",
                              "tr": "; kesmenin iki yanında aynı kadraj"},
    # --- findings from shot measurements (shot_findings.py) ---------------------------------
    "finding.face_dark": {
        "en": "The face is underexposed: add light on the face (a key light at 45°, or face a window) or open up "
              "about {stops:.1f} stops.",
        "tr": "Yüz az pozlanmış: yüze ışık ekleyin (45°'de bir ana ışık ya da yüzünüzü pencereye dönün) veya "
              "pozlamayı yaklaşık {stops:.1f} stop açın.",
    },
    "finding.face_bright": {"en": "The face is overexposed: lower the exposure or move the light back.",
                            "tr": "Yüz fazla pozlanmış: pozlamayı düşürün ya da ışığı geriye alın."},
    "finding.frame_dark": {"en": "The frame is dark: add light or raise the exposure.",
                           "tr": "Kadraj karanlık: ışık ekleyin ya da pozlamayı artırın."},
    "finding.highlights": {
        "en": "Highlights are blown: lower the exposure or move the bright source (window, lamp) out of frame.",
        "tr": "Parlak alanlar patlamış: pozlamayı düşürün ya da parlak kaynağı (pencere, lamba) kadraj dışına "
              "alın.",
    },
    "finding.shadows": {"en": "Shadows are crushed to black: add fill light, or lift the shadows in the grade.",
                        "tr": "Gölgeler simsiyah olmuş: dolgu ışığı ekleyin ya da renk düzenlemede gölgeleri açın."},
    "finding.headroom_high": {
        "en": "Too much headroom: tilt down or raise the camera so the eyes sit on the upper third (headroom "
              "about 5–15% of the frame).",
        "tr": "Başın üstünde fazla boşluk var: kamerayı aşağı eğin ya da yükseltin, gözler üst üçte bir çizgisine "
              "gelsin (baş boşluğu kadrajın yaklaşık %5–15'i).",
    },
    "finding.headroom_low": {"en": "The head touches the top of the frame: tilt up or step back a little.",
                             "tr": "Baş kadrajın üst kenarına değiyor: kamerayı biraz yukarı eğin ya da biraz "
                                   "geri çekilin."},
    "finding.handheld": {"en": "The camera shakes (handheld): use a tripod, or stabilise in the edit.",
                         "tr": "Kamera sallanıyor (elde çekim): tripod kullanın ya da kurguda sabitleyin."},
    "finding.quiet": {
        "en": "The voice is too quiet: raise it by about {db:.0f} dB, to around {target:g} LUFS for social "
              "platforms.",
        "tr": "Ses çok kısık: yaklaşık {db:.0f} dB yükseltin; sosyal platformlar için hedef {target:g} LUFS "
              "civarı.",
    },
    "finding.loud": {"en": "The audio is very loud and may distort: bring it down to about {target:g} LUFS.",
                     "tr": "Ses çok yüksek ve bozulabilir: yaklaşık {target:g} LUFS'a indirin."},
    "finding.issue": {"en": "Shot analysis flagged “{issue}”: {advice}",
                      "tr": "Çekim analizi “{issue}” sorununu işaretledi: {advice}"},
    "advice.focus": {"en": "lock focus on the eyes and re-shoot, or use another take.",
                     "tr": "netliği gözlere kilitleyip yeniden çekin ya da başka bir çekimi kullanın."},
    "advice.exposure": {"en": "fix the light on the face before the next take.",
                        "tr": "bir sonraki çekimden önce yüzdeki ışığı düzeltin."},
    "advice.framing": {"en": "reframe so the eyes sit on the upper third.",
                       "tr": "gözler üst üçte birde olacak şekilde yeniden kadrajlayın."},
    "advice.camera": {"en": "use a tripod or stabilise in the edit.", "tr": "tripod kullanın ya da kurguda sabitleyin."},
    "advice.audio": {"en": "check the microphone and the levels.", "tr": "mikrofonu ve ses seviyelerini kontrol edin."},
    "advice.set": {"en": "tidy or change what is behind you.", "tr": "arkanızdaki alanı toplayın ya da değiştirin."},
    "advice.shot": {"en": "fix it at the next take.", "tr": "bir sonraki çekimde düzeltin."},
    "label.face_luma": {"en": "face luma", "tr": "yüz parlaklığı"},
    "label.mean_luma": {"en": "mean luma", "tr": "ortalama parlaklık"},
    "label.highlights": {"en": "highlights clipped", "tr": "patlamış parlak alan"},
    "label.shadows": {"en": "shadows crushed", "tr": "simsiyah gölge"},
    "label.headroom": {"en": "headroom", "tr": "baş boşluğu"},
    "label.handheld": {"en": "movement handheld", "tr": "hareket: elde çekim"},
    "label.shake": {"en": ", shake", "tr": ", sarsıntı"},
    "label.loudness": {"en": "loudness", "tr": "ses yüksekliği"},
    "label.issue": {"en": "shot analysis: '{issue}'", "tr": "çekim analizi: '{issue}'"},
    "range": {"en": "{low} to {high}", "tr": "{low} ile {high} arası"},
    "shots.one": {"en": "shot {n}", "tr": "{n}. çekim"},
    "shots.range": {"en": "shots {a}–{b}", "tr": "{a}–{b}. çekimler"},
    "shots.where": {"en": " in {shots}", "tr": " ({shots})"},
    # The shot analyser's issue names (framepilot/cinematic), as quoted in a note.
    "issue.very fast speech": {"en": "very fast speech", "tr": "çok hızlı konuşma"},
    "issue.no audible sound": {"en": "no audible sound", "tr": "duyulur ses yok"},
    "issue.very quiet audio": {"en": "very quiet audio", "tr": "çok kısık ses"},
    "issue.very loud audio": {"en": "very loud audio", "tr": "çok yüksek ses"},
    "issue.too much headroom": {"en": "too much headroom", "tr": "başın üstünde fazla boşluk"},
    "issue.subject cut off at the top": {"en": "subject cut off at the top", "tr": "kişi üstten kesilmiş"},
    "issue.subject off-centre without lead room": {"en": "subject off-centre without lead room",
                                                   "tr": "kişi ortada değil ve baktığı yönde boşluk yok"},
    "issue.underexposed face": {"en": "underexposed face", "tr": "yüz az pozlanmış"},
    "issue.underexposed": {"en": "underexposed", "tr": "az pozlanmış"},
    "issue.overexposed": {"en": "overexposed", "tr": "fazla pozlanmış"},
    "issue.blown highlights": {"en": "blown highlights", "tr": "patlamış parlak alanlar"},
    "issue.crushed shadows": {"en": "crushed shadows", "tr": "simsiyah gölgeler"},
    "issue.soft focus": {"en": "soft focus", "tr": "netlik yumuşak"},
    "issue.very warm white balance": {"en": "very warm white balance", "tr": "beyaz dengesi çok sıcak"},
    "issue.very cool white balance": {"en": "very cool white balance", "tr": "beyaz dengesi çok soğuk"},
    # --- note categories, as the summary counts them --------------------------------------
    "category.hook": {"en": "hook", "tr": "açılış"},
    "category.pacing": {"en": "pacing", "tr": "tempo"},
    "category.filler": {"en": "filler", "tr": "dolgu kelimesi"},
    "category.delivery": {"en": "delivery", "tr": "anlatım"},
    "category.silence": {"en": "silence", "tr": "sessizlik"},
    "category.cut": {"en": "cut", "tr": "kesme"},
    "category.scale": {"en": "scale", "tr": "çekim ölçeği"},
    "category.exposure": {"en": "exposure", "tr": "pozlama"},
    "category.framing": {"en": "framing", "tr": "kadraj"},
    "category.audio": {"en": "audio", "tr": "ses"},
    "category.structure": {"en": "structure", "tr": "yapı"},
    "category.script": {"en": "script", "tr": "metin"},
    "category.movement": {"en": "movement", "tr": "kamera hareketi"},
    "category.light": {"en": "light", "tr": "ışık"},
    "category.focus": {"en": "focus", "tr": "netlik"},
    "category.camera": {"en": "camera", "tr": "kamera"},
    "category.set": {"en": "set", "tr": "mekân"},
    "category.shot": {"en": "shot", "tr": "çekim"},
    # --- line strength (line_strength.py): the reasons behind a score --------------------
    "strength.score": {"en": "score {score:g}", "tr": "puan {score:g}"},
    "strength.few": {"en": "only {n} words", "tr": "yalnızca {n} kelime"},
    "strength.words": {"en": "{n} words", "tr": "{n} kelime"},
    "strength.long": {"en": "{n} words, long", "tr": "{n} kelime, uzun"},
    "strength.number": {"en": "a number", "tr": "bir sayı"},
    "strength.question": {"en": "a question", "tr": "bir soru"},
    "strength.viewer": {"en": "speaks to 'you'", "tr": "izleyiciye sesleniyor"},
    "strength.word": {"en": "'{w}'", "tr": "'{w}'"},
    "strength.greeting": {"en": "a greeting", "tr": "bir selamlama"},
    "strength.starts": {"en": "starts with '{w}'", "tr": "'{w}' ile başlıyor"},
    # --- script rewrite (script_rewrite.py) ----------------------------------------------
    "rewrite.fillers": {"en": "Cut {n} filler word{s} here; in the edit, cut them or leave a silent beat instead.",
                        "tr": "Burada {n} dolgu kelimesi kesildi; kurguda kesin ya da yerine sessiz bir an bırakın."},
    "rewrite.false_start": {"en": "Cut the false start: the script keeps only the second, complete attempt.",
                            "tr": "Yarım kalan başlangıç kesildi: metinde yalnızca ikinci, tam deneme kalıyor."},
    "rewrite.retake": {
        "en": "Dropped a sentence that was started again; the script keeps the complete take at {at}.",
        "tr": "Yeniden başlanan bir cümle çıkarıldı; metin {at} anındaki tam hali tutuyor.",
    },
    "rewrite.retake.evidence": {"en": "'{text}' at {start:.1f} s, said again at {again:.1f} s",
                                "tr": "'{text}' {start:.1f} sn'de, {again:.1f} sn'de yeniden söyleniyor"},
    "rewrite.split": {
        "en": "Split a long sentence into {parts} lines: one thought per line is easier to say in one breath and "
              "easier to follow.",
        "tr": "Uzun bir cümle {parts} satıra bölündü: satır başına tek düşünce hem tek nefeste söylenir hem de "
              "kolay izlenir.",
    },
    "rewrite.split.evidence": {"en": "{n} word{s} in one sentence", "tr": "tek cümlede {n} kelime"},
    "rewrite.greeting": {"en": "Cut the warm-up greeting: short videos lose viewers before the first real line.",
                         "tr": "Girişteki selamlama kesildi: kısa videolar ilk gerçek cümleden önce izleyici "
                               "kaybeder."},
    "rewrite.greeting.evidence": {"en": "'{text}' at {start:.1f} s", "tr": "{start:.1f} sn'de '{text}'"},
    "rewrite.moved": {"en": "Moved the line from {at} to the top as the hook: “{text}”",
                      "tr": "{at} anındaki cümle açılış olarak başa alındı: “{text}”"},
    "rewrite.moved.evidence": {"en": "{strength}; the old opening line {old}",
                               "tr": "{strength}; eski açılış cümlesi {old}"},
    "rewrite.kept": {"en": "The opening line is already the strongest line; it stays as the hook.",
                     "tr": "Açılış cümlesi zaten en güçlü cümle; açılış olarak kalıyor."},
    "rewrite.no_speech": {"en": "No speech was found, so there is no script to rewrite.",
                          "tr": "Konuşma bulunamadı, bu yüzden yeniden yazılacak bir metin yok."},
    "rewrite.summary.no_speech": {"en": "No speech found ({reason}): there is no script to rewrite.",
                                  "tr": "Konuşma bulunamadı ({reason}): yeniden yazılacak bir metin yok."},
    "rewrite.summary.fillers": {"en": "cut {n} filler word{s}", "tr": "{n} dolgu kelimesi kesildi"},
    "rewrite.summary.starts": {"en": "{n} false start{s}", "tr": "{n} yarım kalan başlangıç kesildi"},
    "rewrite.summary.greeting": {"en": "cut the greeting", "tr": "selamlama çıkarıldı"},
    "rewrite.summary.splits": {"en": "split {n} long sentence{s}", "tr": "{n} uzun cümle bölündü"},
    "rewrite.summary.moved": {"en": "moved the line from {at} to the top as the hook",
                              "tr": "{at} anındaki cümle açılış olarak başa alındı"},
    "rewrite.summary.kept": {"en": "kept the opening line as the hook", "tr": "açılış cümlesi yerinde kaldı"},
    "rewrite.summary": {
        "en": "Rewrote the script: {changes}. {before} → {after} words, about {seconds:.0f} s at {wpm:.0f} wpm.",
        "tr": "Metin yeniden yazıldı: {changes}. {before} → {after} kelime, dakikada {wpm:.0f} kelimeyle yaklaşık "
              "{seconds:.0f} sn.",
    },
    # --- full rewrite (full_rewrite.py): the script, its shot list and its notes -----------
    "framing.ECU": {"en": "Extreme close-up: eyes and mouth only, for the one word that matters",
                    "tr": "Çok yakın plan: yalnızca gözler ve ağız, en önemli tek kelime için"},
    "framing.CU": {"en": "Close-up: face fills the frame, eyes on the upper third line, straight into the lens",
                   "tr": "Yakın plan: yüz kadrajı dolduruyor, gözler üst üçte bir çizgisinde, doğrudan merceğe"},
    "framing.MCU": {"en": "Medium close-up: head and shoulders, eyes on the upper third, a little headroom",
                    "tr": "Göğüs planı: baş ve omuzlar, gözler üst üçte birde, başın üstünde biraz boşluk"},
    "framing.MS": {"en": "Medium shot: waist up, room for hand gestures",
                   "tr": "Bel planı: belden yukarısı, el hareketlerine yer var"},
    "framing.FS": {"en": "Full shot: the whole body in the space", "tr": "Boy planı: bütün beden mekânın içinde"},
    "framing.WS": {"en": "Wide shot: the speaker small in the setting",
                   "tr": "Genel plan: konuşmacı mekânın içinde küçük görünüyor"},
    "framing.hook": {"en": "{framing}; start talking on the first frame",
                     "tr": "{framing}; ilk karede konuşmaya başlayın"},
    "framing.punch_in": {"en": "Punch in from {previous} for emphasis. {framing}",
                         "tr": "Vurgu için {previous} ölçeğinden yakınlaşın. {framing}"},
    "framing.cta": {"en": "{framing}; direct to the lens, hold a beat at the end",
                    "tr": "{framing}; doğrudan merceğe bakın, sonda bir an bekleyin"},
    "framing.from_shot": {"en": "From shot {n} ({a}–{b}). {framing}", "tr": "{n}. çekimden ({a}–{b}). {framing}"},
    "cta.topic": {"en": "Follow for more on {topic}.", "tr": "{topic} hakkında daha fazlası için takip edin."},
    "cta.generic": {"en": "Follow for more videos like this one.", "tr": "Bunun gibi videolar için takip edin."},
    "full.hook": {"en": "Open on the line from {at} in a close-up: “{text}”",
                  "tr": "Yakın planda, {at} anındaki cümleyle açın: “{text}”"},
    "full.trimmed": {"en": "Left out to keep the video under {limit:.0f} s: “{text}”",
                     "tr": "Video {limit:.0f} saniyenin altında kalsın diye çıkarıldı: “{text}”"},
    "full.trimmed.evidence": {"en": "weakest remaining line, {strength}",
                              "tr": "kalanlar içinde en zayıf cümle, {strength}"},
    "full.key": {"en": "Punch in on this key line: “{text}”", "tr": "Bu önemli cümlede yakınlaşın: “{text}”"},
    "full.scales": {
        "en": "The new shot list alternates MCU and MS{punch_ins}, so the edit has a change of scale at every line.",
        "tr": "Yeni çekim listesi göğüs planı (MCU) ile bel planını (MS) sırayla kullanıyor{punch_ins}; böylece "
              "kurguda her cümlede ölçek değişiyor.",
    },
    "full.scales.punch_ins": {"en": " with punch-ins on key lines", "tr": ", önemli cümlelerde de yakınlaşıyor"},
    "full.scales.evidence": {"en": "original shots: {counts}", "tr": "özgün çekimler: {counts}"},
    "full.own_cta": {"en": "Your own call to action moves to the end, where it lands.",
                     "tr": "Kendi harekete geçirici mesajınız sona taşındı; orada daha etkili."},
    "full.add_cta": {"en": "Add a closing call to action: “{text}”",
                     "tr": "Sona bir harekete geçirici mesaj ekleyin: “{text}”"},
    "full.add_cta.evidence": {"en": "no call to action (follow, subscribe, comment, link) in the transcript",
                              "tr": "metinde harekete geçirici mesaj yok (takip, abone, yorum, bağlantı)"},
    "full.other_cta": {
        "en": "End with a call to action in the video's language (the local director writes English and Turkish "
              "only, so it did not add one).",
        "tr": "Videonun dilinde bir harekete geçirici mesajla bitirin (yerel yönetmen yalnızca İngilizce ve Türkçe "
              "yazdığı için eklemedi).",
    },
    "full.other_cta.evidence": {"en": "transcript language '{code}'", "tr": "metnin dili '{code}'"},
    "full.summary.lines": {
        "en": "New script of {n} line{s} from the video's own words, {shots} shot{shots_s}, about {total:.0f} s at "
              "{wpm:.0f} wpm",
        "tr": "Videonun kendi sözlerinden {n} satırlık yeni metin, {shots} çekim, dakikada {wpm:.0f} kelimeyle "
              "yaklaşık {total:.0f} sn",
    },
    "full.summary.opens": {"en": "opens on the line from {at} in a close-up",
                           "tr": "yakın planda {at} anındaki cümleyle açılıyor"},
    "full.summary.punch_ins": {"en": "{n} punch-in{s} on key lines", "tr": "önemli cümlelerde {n} yakınlaşma"},
    "full.summary.trimmed": {"en": "{n} weaker line{s} left out to stay under {limit:.0f} s",
                             "tr": "{limit:.0f} saniyenin altında kalmak için {n} zayıf cümle çıkarıldı"},
    "full.summary.cta": {"en": "closes with a call to action", "tr": "harekete geçirici bir mesajla kapanıyor"},
    "full.summary.no_speech": {
        "en": "No speech found ({reason}): no script to rewrite; the shot list re-cuts the {n} existing shots "
              "with varied scales, none longer than {limit:g} s.",
        "tr": "Konuşma bulunamadı ({reason}): yeniden yazılacak metin yok; çekim listesi mevcut {n} çekimi farklı "
              "ölçeklerle, hiçbiri {limit:g} sn'yi geçmeyecek şekilde yeniden kurguluyor.",
    },
}
