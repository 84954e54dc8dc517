"""Empty import templates (CSV and XLSX, Thai or English headers) with one example row."""

from __future__ import annotations

import io

import pandas as pd

from data.importer.specs import spec_for


def template_frame(kind: str, lang: str = "th") -> pd.DataFrame:
    spec = spec_for(kind)
    # Measures one column each are for files that come that way; the template is long.
    fields = [f for f in spec.fields if (f.name not in ("district", "subdistrict", "area")
                                         or kind == "households") and f.name not in spec.measures]
    headers = [(f.th if lang == "th" else f.en) for f in fields]
    example = [f.example or ("ขอนแก่น" if f.name == "province" else "") for f in fields]
    return pd.DataFrame([example], columns=headers)


def template_csv(kind: str, lang: str = "th") -> bytes:
    # UTF-8 with BOM: Excel then opens the Thai headers correctly.
    return template_frame(kind, lang).to_csv(index=False).encode("utf-8-sig")


def template_xlsx(kind: str, lang: str = "th") -> bytes:
    buf = io.BytesIO()
    frame = template_frame(kind, lang)
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        frame.to_excel(writer, index=False, sheet_name=kind[:31])
        sheet = writer.sheets[kind[:31]]
        for i, col in enumerate(frame.columns):
            sheet.set_column(i, i, max(12, min(40, len(col) + 4)))
    return buf.getvalue()
