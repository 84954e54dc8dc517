"""Import failures and row-rejection reasons, with bilingual messages safe to show to a user."""

from __future__ import annotations

# A whole file refused: code -> (Thai, English); ``{...}`` are filled from the failure's params.
FAILURES: dict[str, tuple[str, str]] = {
    "too_large": ("ไฟล์ใหญ่เกินไป ({size_mb:.1f} MB; สูงสุด {max_mb:.0f} MB) แบ่งไฟล์แล้วนำเข้าทีละส่วน",
                  "The file is too large ({size_mb:.1f} MB; the limit is {max_mb:.0f} MB). "
                  "Split it and import the parts."),
    "empty": ("ไฟล์ว่างเปล่า", "The file is empty."),
    "format": ("ไม่รองรับไฟล์ชนิดนี้ ({name}) ใช้ CSV, XLSX หรือ Parquet",
               "This kind of file is not supported ({name}); use CSV, XLSX or Parquet."),
    "xls": ("ไฟล์ Excel รุ่นเก่า (.xls) ไม่รองรับ กรุณาบันทึกเป็น .xlsx",
            "Old Excel files (.xls) are not supported; save the file as .xlsx."),
    "encoding": ("อ่านรหัสอักขระของไฟล์ไม่ได้ (ลอง UTF-8 หรือ TIS-620)",
                 "The file's text encoding could not be read (try UTF-8 or TIS-620)."),
    "unreadable": ("อ่านไฟล์ไม่ได้: ไฟล์อาจเสียหายหรือไม่สมบูรณ์ ({detail})",
                   "The file could not be read: it may be damaged or incomplete ({detail})."),
    "no_header": ("ไม่พบแถวหัวตาราง", "No header row was found."),
    "no_rows": ("ไฟล์มีแถวหัวตาราง (แถว {row}) แต่ไม่มีข้อมูลใต้หัวตาราง",
                "The file has a header (row {row}) but no data rows under it."),
    "unmapped": ("ยังไม่ได้กำหนดคอลัมน์ของช่องที่จำเป็น: {columns} (เลือกคอลัมน์ ค่าคงที่ หรือรูปแบบชื่อไฟล์)",
                 "Required fields are not mapped yet: {columns} (choose a column, a constant "
                 "or a file-name pattern)."),
    "bad_mapping": ("การจับคู่คอลัมน์ไม่ถูกต้อง: {detail}", "The column mapping is not valid: {detail}"),
    "no_recipe": ("ไม่พบสูตรนำเข้า {name}", "No import recipe named {name}."),
    "recipe_kind": ("สูตร {name} ใช้กับข้อมูลชนิด {recipe_kind} ไม่ใช่ {kind}",
                    "Recipe {name} is for {recipe_kind} files, not {kind}."),
    "bad_recipe": ("ไฟล์สูตรนำเข้าไม่ถูกต้อง: {detail}", "The recipe file is not valid: {detail}"),
    "indicator_exists": ("มีตัวชี้วัดรหัส {indicator} อยู่แล้ว", "An indicator with code {indicator} exists already."),
    "bad_indicator": ("ข้อมูลตัวชี้วัดไม่ถูกต้อง: {detail}", "The indicator is not valid: {detail}"),
    "unknown_kind": ("ไม่รู้จักชนิดข้อมูล {kind}", "Unknown kind of data: {kind}."),
    "unknown_policy": ("ไม่รู้จักนโยบายข้อมูลซ้ำ {policy}", "Unknown duplicate policy: {policy}."),
    "not_allowed": ("คุณไม่มีสิทธิ์นำเข้าหรือยกเลิกข้อมูล", "You may not import or undo data."),
    "no_batch": ("ไม่พบชุดนำเข้า {batch_id}", "Import batch {batch_id} was not found."),
    "already_undone": ("ชุดนำเข้า {batch_id} ถูกยกเลิกไปแล้ว",
                       "Import batch {batch_id} has already been undone."),
    "undo_blocked": ("ยกเลิกชุด {batch_id} ไม่ได้: ชุด {later} ที่นำเข้าภายหลังแทนที่หรืออ้างถึงข้อมูลของชุดนี้ "
                     "ให้ยกเลิกชุด {later} ก่อน หรือยกเลิกพร้อมกันทั้งหมด",
                     "Batch {batch_id} cannot be undone: later batches {later} replaced or refer "
                     "to its rows. Undo them first, or undo all of them together."),
    "commit_failed": ("บันทึกไม่สำเร็จ ไม่มีข้อมูลใดถูกเขียน ({detail})",
                      "The commit failed and nothing was written ({detail})."),
    "nothing": ("ไม่มีแถวที่ผ่านการตรวจสอบ", "No row passed the checks."),
}

# One row refused: code -> (Thai, English); ``{detail}`` names the offending value.
REASONS: dict[str, tuple[str, str]] = {
    "missing": ("ไม่มีค่าในช่องที่จำเป็น: {detail}", "Missing required value: {detail}"),
    "number": ("ตัวเลขไม่ถูกต้อง: {detail}", "Not a number: {detail}"),
    "year": ("ปีไม่ถูกต้อง: {detail}", "Not a valid year: {detail}"),
    "date": ("วันที่ไม่ถูกต้อง: {detail}", "Not a valid date: {detail}"),
    "bool": ("ค่าใช่/ไม่ใช่ไม่ถูกต้อง: {detail}", "Not a yes/no value: {detail}"),
    "choice": ("ค่าไม่อยู่ในรายการที่กำหนด: {detail}", "Not one of the allowed values: {detail}"),
    "area_unknown": ("ไม่รู้จักพื้นที่: {detail}", "Unknown area: {detail}"),
    "area_level": ("ระดับพื้นที่ไม่ถูกต้องสำหรับข้อมูลนี้: {detail}",
                   "Wrong area level for this data: {detail}"),
    "aggregate": ("แถวรวม (ประเทศ/ภาค/ยอดรวม) ไม่นำเข้า: {detail}",
                  "Total row (national/regional/subtotal), not imported: {detail}"),
    "out_of_scope": ("อยู่นอกจังหวัดที่คุณรับผิดชอบ: {detail}",
                     "Outside the provinces you are responsible for: {detail}"),
    "indicator_unknown": ("ไม่รู้จักตัวชี้วัด: {detail}", "Unknown indicator: {detail}"),
    "unit": ("หน่วยไม่ตรงกับบัญชีตัวชี้วัด: {detail}",
             "Unit does not match the indicator catalogue: {detail}"),
    "range": ("ค่าอยู่นอกช่วงที่เป็นไปได้: {detail}", "Value out of the possible range: {detail}"),
    "partner_unknown": ("ไม่รู้จักภาคีเครือข่าย (นำเข้าภาคีก่อน): {detail}",
                        "Unknown partner (import partners first): {detail}"),
    "dup_file_replace": ("ซ้ำกับแถวที่อยู่ถัดไปในไฟล์ (ใช้แถวหลังสุด): {detail}",
                         "Duplicate key, superseded by a later row of the file: {detail}"),
    "dup_file_keep": ("ซ้ำกับแถวก่อนหน้าในไฟล์ (เก็บแถวแรก): {detail}",
                      "Duplicate key, the first row of the file is kept: {detail}"),
    "dup_file_reject": ("คีย์ซ้ำในไฟล์ ปฏิเสธทุกแถวที่ซ้ำ: {detail}",
                        "Duplicate key in the file, every copy rejected: {detail}"),
    "dup_store_keep": ("มีข้อมูลนี้อยู่แล้ว เก็บค่าเดิม: {detail}",
                       "Already stored, the stored value is kept: {detail}"),
    "dup_store_reject": ("มีข้อมูลนี้อยู่แล้ว ปฏิเสธแถวซ้ำ: {detail}",
                         "Already stored, duplicate rejected: {detail}"),
    "invalid": ("ข้อมูลไม่สอดคล้องกัน: {detail}", "Inconsistent values: {detail}"),
    "non_dopa": ("ไม่ใช่หน่วยการปกครองของกรมการปกครอง (เทศบาล/สำนักทะเบียน): {detail}",
                 "Not a DOPA administrative unit (municipality or registration office): {detail}"),
}


class ImportFailure(Exception):
    """A file or an operation refused as a whole; ``message(lang)`` is safe to show."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        th, en = FAILURES.get(self.code, (self.code, self.code))
        template = th if lang == "th" else en
        try:
            return template.format(**self.params)
        except (KeyError, ValueError, IndexError):
            return template


def reason_text(code: str, detail: str, lang: str = "en") -> str:
    th, en = REASONS.get(code, (code + ": {detail}", code + ": {detail}"))
    return (th if lang == "th" else en).format(detail=detail)
