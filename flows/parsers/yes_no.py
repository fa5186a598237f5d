"""Yes / no / unsure answers in messy Indonesian and English chat.

Only the leading run of answer words counts: address words and particles ("kak", "dong") are
skipped, a pronoun may open the answer ("saya tidak tahu") but ends it after an answer word, and
reading stops at the first other word: "iya kak, saya tidak bisa keluar" is yes, "tidak, belum"
is no. Within that run: a hedge ("tidak tahu", "mungkin", "not sure") wins and gives "unsure";
yes and no together ("ya tidak", "iya, nggak") contradict and give None, so the bot asks again
rather than guess; a negated yes-word ("tidak setuju", "gak mau") is no; "gapapa" / "no
problem" is None because it reads as yes or no depending on the question.
"""

from __future__ import annotations

from flows.parsers.text import collapse_tail, normalise, words

YES = "yes"
NO = "no"
UNSURE = "unsure"
_FILLER = "filler"
_LEAD = "lead"
_UNCLEAR = "unclear"

_YES_WORDS = (
    "ya iya iyah iye iyo iy y yoi yup yap yep yes yeah yea ok oke okey okay okei okeh sip siap "
    "betul benar bener bnr sudah udah udh sdh dah sampun setuju boleh mau he'eh heeh hooh ho'oh "
    "nggih enggih inggih nggeh muhun leres pasti tentu sure correct right true agree absolutely"
)
_NO_WORDS = (
    "tidak tdk tak gak ga gk g nggak ngga nggk ngak nga enggak engga enggk kagak gag ndak nda ndk "
    "no nope nah not never bukan bkn belum blm blom blum jangan jgn ora mboten boten henteu moh n"
)
_NEGATORS = (
    "tidak tdk tak gak ga gk g nggak ngga nggk ngak nga enggak engga kagak gag ndak nda ndk "
    "not ora mboten belum blm kurang"
)
_KNOW_WORDS = "tahu tau tauk tao tw yakin pasti ngerti paham jelas sure certain"
_AGREE_WORDS = "setuju mau boleh benar betul bener ok oke okay agree correct true"
_HEDGES = (
    "mungkin entah entahlah ntah ntahlah ragu bingung barangkali kayaknya sepertinya maybe perhaps "
    "unsure dunno idk gatau gataw gatahu gktau gaktau gtw ngga'tau"
)
_HEDGE_PHRASES = (
    "don't know|dont know|do not know|i don't know|no idea|not sure|ragu ragu|ragu2|kurang tahu"
)
_UNCLEAR_PHRASES = "gapapa|gpp|ga papa|no problem|no worries|never mind|nevermind"
_FILLERS = (
    "kak ka kk kakak mbak mba mas bu ibu buk pak bapak bang abang sis bro min admin dek om tante "
    "teh sir maam ma'am madam miss dong deh sih kok aja saja lah kah nih tuh hmm hm eh oh ah um "
    "umm please pls plz thanks thank you thx terima kasih makasih trims tq ty"
)
# Words that may open an answer ("saya tidak tahu") but end it once an answer word was read.
_LEAD_WORDS = (
    "saya aku sy aq gue gw i i'm im kami kita memang emang jawabannya jawaban answer well so"
)


def _phrases(text: str) -> list[tuple[str, ...]]:
    """Returns the "|"-separated phrases of a lexicon string as word tuples."""
    return [tuple(words(phrase)) for phrase in text.split("|")]


def _lexicon() -> dict[tuple[str, ...], str]:
    """Returns every known phrase (as a word tuple) mapped to yes, no, unsure, filler or unclear."""
    lexicon: dict[tuple[str, ...], str] = {(word,): _FILLER for word in words(_FILLERS)}
    lexicon.update({(word,): _LEAD for word in words(_LEAD_WORDS)})
    lexicon.update({(word,): YES for word in words(_YES_WORDS)})
    lexicon.update({(word,): NO for word in words(_NO_WORDS)})
    for negator in words(_NEGATORS):
        lexicon.update({(negator, word): NO for word in words(_AGREE_WORDS)})
        lexicon.update({(negator, word): UNSURE for word in words(_KNOW_WORDS)})
        lexicon.update({(negator, *tail): _UNCLEAR for tail in _phrases("apa apa|apa2|papa")})
        lexicon[(negator, "masalah")] = _UNCLEAR
    lexicon.update({(word,): UNSURE for word in words(_HEDGES)})
    lexicon.update(dict.fromkeys(_phrases(_HEDGE_PHRASES), UNSURE))
    lexicon.update(dict.fromkeys(_phrases(_UNCLEAR_PHRASES), _UNCLEAR))
    return lexicon


_LEXICON = _lexicon()
_VOCABULARY = frozenset(word for phrase in _LEXICON for word in phrase)
_LONGEST = max(len(phrase) for phrase in _LEXICON)
# Thumbs and ticks carry an answer; they are swapped for words before emoji are stripped.
_EMOJI = str.maketrans({"👍": " ya ", "👌": " ok ", "✅": " ya ", "✔": " ya ", "👎": " tidak ",
                        "❌": " tidak ", "✖": " tidak ", "🙅": " tidak "})  # fmt: skip


def _canonical(word: str) -> str:
    """Returns the word as the lexicon knows it ("iyaa" -> "iya", "yess" -> "yes")."""
    return word if word in _VOCABULARY else collapse_tail(word)


def _leading_kinds(tokens: list[str]) -> list[str]:
    """Returns the kinds of the answer phrases at the start of the message, fillers left out."""
    kinds: list[str] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - index), 0, -1):
            kind = _LEXICON.get(tuple(tokens[index : index + size]))
            if kind is not None:
                break
        else:
            return kinds
        if kind == _LEAD and kinds:
            return kinds
        if kind not in (_FILLER, _LEAD):
            kinds.append(kind)
        index += size
    return kinds


def parse_yes_no(text: str) -> str | None:
    """Returns "yes", "no" or "unsure" for an answer to a yes/no question, or None."""
    tokens = [_canonical(word) for word in words(normalise(text.translate(_EMOJI)))]
    kinds = set(_leading_kinds(tokens))
    if _UNCLEAR in kinds:
        return None
    if UNSURE in kinds:
        return UNSURE
    if len(kinds) == 1:
        return kinds.pop()
    return None
