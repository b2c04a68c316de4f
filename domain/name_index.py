"""How names are indexed for /find: words reduced to search keys, and the letter triples of each word.

A name is split into words, each reduced like every other search (`search_key`: Persian letters and digits,
no ZWNJ, case-folded), so «محمدي», «محمدی» and «مُحمدی» index alike. The store keeps (word, application) rows
for prefix look-ups and, per distinct word, its letter triples: a misspelt word finds the real words sharing
triples with it, a small set (distinct name words are few, even among millions of applications) that rapidfuzz
then ranks.
"""

import re

from domain.normalize import ZWNJ, normalize, search_key

MAX_WORDS = 6  # words of one name indexed: enough for «سیده فاطمه زهرا میرزایی‌نژاد»
_SEPARATORS = re.compile(r"[\s\-_.,،]+")
# Spellings people use interchangeably in names: short vowels dropped, hamza and alef forms folded.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۀ": "ه", "ؤ": "و", "ئ": "ی",
                       **{chr(mark): None for mark in (*range(0x064B, 0x0653), 0x0670, 0x0654)}})


def name_words(text: str) -> list[str]:
    """The distinct words of a name (or of what someone typed to find one), as search keys, longest first."""
    words = _SEPARATORS.split(normalize(text).replace(ZWNJ, " "))
    letters = ("".join(char for char in search_key(word).translate(_FOLD) if char.isalnum()) for word in words)
    keys = dict.fromkeys(key for key in letters if len(key) >= 2)
    return sorted(keys, key=len, reverse=True)[:MAX_WORDS]


def triples(word: str) -> set[str]:
    """The letter triples of a word, its ends marked so that a short word has some: «علی» → #عل, علی, لی#."""
    padded = f"#{word}#"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def prefix_end(prefix: str) -> str:
    """The smallest string after every string that starts with `prefix` (for `token >= ? AND token < ?`)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
