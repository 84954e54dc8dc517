"""Plausible Thai place and organisation names (with romanisation) for synthetic demo records."""

from __future__ import annotations

import numpy as np

# Common elements of Thai village names, with RTGS romanisation.
_HEADS = (
    ("หนอง", "Nong"), ("โนน", "Non"), ("ดอน", "Don"), ("ห้วย", "Huai"), ("นา", "Na"),
    ("โคก", "Khok"), ("ป่า", "Pa"), ("ทุ่ง", "Thung"), ("บ่อ", "Bo"), ("สระ", "Sa"),
    ("วัง", "Wang"), ("ท่า", "Tha"), ("หัว", "Hua"), ("คลอง", "Khlong"), ("บาง", "Bang"),
    ("เขา", "Khao"), ("ม่วง", "Muang"), ("โพธิ์", "Pho"), ("ไร่", "Rai"), ("สวน", "Suan"),
)
_MIDS = (
    ("บัว", "Bua"), ("แก", "Kae"), ("ไผ่", "Phai"), ("ตาล", "Tan"), ("ขาม", "Kham"),
    ("จาน", "Chan"), ("ยาง", "Yang"), ("หิน", "Hin"), ("ทราย", "Sai"), ("แดง", "Daeng"),
    ("สูง", "Sung"), ("กลาง", "Klang"), ("เตย", "Toei"), ("ไทร", "Sai"), ("มะม่วง", "Mamuang"),
    ("ตะเคียน", "Takhian"), ("ขี้เหล็ก", "Khilek"), ("กุง", "Kung"), ("ปลาดุก", "Pla Duk"),
    ("เหล็ก", "Lek"),
)
_TAILS = (
    ("", ""), ("", ""), ("", ""), ("ใหญ่", "Yai"), ("น้อย", "Noi"), ("ใหม่", "Mai"),
    ("เหนือ", "Nuea"), ("ใต้", "Tai"), ("ทอง", "Thong"), ("งาม", "Ngam"), ("พัฒนา", "Phatthana"),
    ("สามัคคี", "Samakkhi"), ("เจริญ", "Charoen"),
)


def village_names(rng: np.random.Generator, n: int, *, urban: bool = False) -> list[tuple[str, str]]:
    """``n`` village names (Thai, English); Bangkok has communities (ชุมชน) rather than muban."""
    h = rng.integers(0, len(_HEADS), n)
    m = rng.integers(0, len(_MIDS), n)
    t = rng.integers(0, len(_TAILS), n)
    prefix_th, prefix_en = ("ชุมชน", "Chumchon") if urban else ("บ้าน", "Ban")
    out = []
    for a, b, c in zip(h, m, t, strict=True):
        th = prefix_th + _HEADS[a][0] + _MIDS[b][0] + _TAILS[c][0]
        en = " ".join(x for x in (prefix_en, _HEADS[a][1], _MIDS[b][1], _TAILS[c][1]) if x)
        out.append((th, en))
    return out


def place_word(rng: np.random.Generator) -> tuple[str, str]:
    a = _HEADS[int(rng.integers(0, len(_HEADS)))]
    b = _MIDS[int(rng.integers(0, len(_MIDS)))]
    return a[0] + b[0], f"{a[1]} {b[1]}"
