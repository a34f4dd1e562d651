"""Short texts for SMS and WhatsApp: one SMS segment where possible.

An SMS segment holds 160 characters of the GSM 03.38 alphabet (7 bits each; the extension
characters such as € [ ] { } cost two), or 70 characters of UCS-2 as soon as one character is
outside it. The message is the subject and a link to the inbox, where the whole message waits;
the subject is shortened (with "...", which is GSM) so that both fit in one segment.

Why not a library: the SMS-segment packages on PyPI (smsutil, sms-counter ports) are unmaintained
or count only; what is needed is the alphabet check below and a cut.
"""

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

SEGMENT_GSM7 = 160
SEGMENT_UCS2 = 70


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def length(text: str) -> int:
    """Length in the units of its encoding (septets for GSM-7, UTF-16 units for UCS-2: a
    character outside the basic plane, such as an emoji, takes two)."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def limit(text: str) -> int:
    return SEGMENT_GSM7 if is_gsm7(text) else SEGMENT_UCS2


def fits(text: str) -> bool:
    return length(text) <= limit(text)


def short_text(subject: str, link: str) -> str:
    """`subject link` within one segment, the subject cut with "..." when needed. Characters
    outside GSM-7 in the subject (curly quotes, dashes) are replaced by their plain forms first,
    so an ordinary Indonesian or English subject stays in the 160-character alphabet."""
    subject = " ".join(subject.translate(_PLAIN).split())
    text = f"{subject} {link}".strip()
    if fits(text):
        return text
    room = limit(text) - length(link) - 1 - 3
    cut = subject
    while cut and length(cut) > room:
        cut = cut[:-1]
    return f"{cut.rstrip()}... {link}" if cut else link


_PLAIN = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "→": "->",
    }
)
