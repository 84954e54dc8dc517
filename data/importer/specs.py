"""What each kind of import expects: columns (Thai and English headers), types, keys, tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.importer.parsing import THAI_DIGITS
from data.poverty_measures import published_measures
from domain import catalogue

# The first is the Data page's default: indicator values are what agencies send most.
KINDS = ("indicators", "indicator_catalogue", "households", "poverty_published", "activities",
         "partners", "plan_projects", "debt_cases")
POLICIES = ("replace", "keep", "reject")
AREA_FIELDS = ("area", "province", "district", "subdistrict", "village")


@dataclass(frozen=True)
class Field:
    """One column of an import file; ``aliases`` are other headers agencies use for it."""

    name: str
    kind: str  # text, int, float, year, date, bool, choice, goals, area
    th: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] | None = None
    default: object = None
    example: str = ""

    def headers(self) -> set[str]:
        return {header_key(h) for h in (self.name, self.th, self.en, *self.aliases)}


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    table: str
    th: str
    en: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    area_levels: tuple[str, ...]
    id_column: str | None = None
    children: tuple[str, ...] = ()
    wide: bool = False  # one column per year is accepted and turned long
    # Fields that are each one measure: the columns mapped to them become (measure, value) rows.
    measures: tuple[str, ...] = ()
    year_column: str | None = None
    date_year_column: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def template_fields(self) -> tuple[Field, ...]:
        return self.fields


def header_key(text: str) -> str:
    """Headers compare without case, spacing, punctuation or a unit in brackets."""
    s = str(text).translate(THAI_DIGITS).lower()
    s = re.sub(r"[(\[].*?[)\]]", " ", s)
    return re.sub(r"[\s_.\-:/*]+", "", s)


def _choices(items: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return items


_AREA = (
    Field("area", "area", "รหัสพื้นที่", "Area code", aliases=(
        "area_code", "รหัส", "รหัสพื้นที่ dopa", "dopa code", "code", "พื้นที่", "area")),
    Field("province", "area", "จังหวัด", "Province", aliases=("province_name", "ชื่อจังหวัด",
                                                               "changwat", "prov")),
    Field("district", "area", "อำเภอ", "District", aliases=("district_name", "อำเภอ/เขต", "เขต",
                                                             "amphoe", "ชื่ออำเภอ")),
    Field("subdistrict", "area", "ตำบล", "Subdistrict", aliases=("tambon", "ตำบล/แขวง", "แขวง",
                                                                  "sub-district")),
)

ACTIVITY_STATUS = {
    "planned": ("วางแผน", "planned", "แผน", "รอดำเนินการ"),
    "ongoing": ("กำลังดำเนินการ", "ongoing", "ดำเนินการ", "in progress"),
    "completed": ("เสร็จสิ้น", "completed", "แล้วเสร็จ", "done", "เสร็จ"),
    "cancelled": ("ยกเลิก", "cancelled", "canceled"),
}
PLAN_STATUS = {
    "not_started": ("ยังไม่เริ่ม", "not started", "ยังไม่ดำเนินการ"),
    "in_progress": ("กำลังดำเนินการ", "in progress", "ดำเนินการ", "ongoing"),
    "completed": ("แล้วเสร็จ", "completed", "เสร็จสิ้น", "done"),
    "suspended": ("ระงับ", "suspended", "ชะลอ", "ยกเลิก"),
}
DEBT_STAGE = {
    "registered": ("ลงทะเบียน", "registered"),
    "mediation": ("ไกล่เกลี่ย", "mediation", "อยู่ระหว่างไกล่เกลี่ย"),
    "settled": ("ไกล่เกลี่ยสำเร็จ", "settled", "สำเร็จ"),
    "referred": ("ส่งดำเนินคดี", "referred", "ส่งดำเนินคดี (ตำรวจ)", "ส่งต่อ", "referred to police"),
    "closed": ("ยุติเรื่อง", "closed", "ยุติ", "ปิดเรื่อง"),
}
# Labels only: header_key() drops "-", so "-1" and "1" would read alike.
DIRECTION = {
    "higher": ("higher is better", "ยิ่งสูงยิ่งดี", "สูง", "มากดี", "up"),
    "lower": ("lower is better", "ยิ่งต่ำยิ่งดี", "ต่ำ", "น้อยดี", "down"),
}
INDICATOR_LEVELS = {
    "province": ("จังหวัด", "province only"),
    "province,district": ("จังหวัดและอำเภอ", "province and district", "both", "district",
                          "อำเภอ"),
}
SECTOR = {code: (th, en) for code, th, en in catalogue.SECTORS}
PLAN_AGENCY = {code: names for code, names in catalogue.PLAN_AGENCIES.items()}
CREDITOR = {code: names for code, names in catalogue.CREDITOR_TYPES.items()}
# How a debtor registered with the Damrongdhama centre (the centres' daily tallies split them).
CHANNEL = {"online": ("ออนไลน์", "online", "ลงทะเบียนออนไลน์", "web"),
           "onsite": ("ณ ศูนย์", "onsite", "on-site", "on site", "ที่ศูนย์", "walk-in")}

_FLAGS = tuple(
    Field(i.column, "bool", f"ตกเกณฑ์: {i.name_th}", f"Fails: {i.name_en}", required=True,
          aliases=(i.code, i.column.removeprefix("d_")), default=False, example="0")
    for i in catalogue.POVERTY_INDICATORS
)

SPECS: dict[str, ImportSpec] = {
    "indicator_catalogue": ImportSpec(
        "indicator_catalogue", "sdg_indicators", "บัญชีตัวชี้วัด SDG", "SDG indicator catalogue",
        fields=(
            Field("indicator_code", "text", "รหัสตัวชี้วัด", "Indicator code", required=True,
                  aliases=("indicator", "code"), example="g6_piped_water"),
            # Empty: not an SDG indicator (population, births, GPP): browsable, never scored.
            Field("goal", "int", "เป้าหมาย SDG", "SDG goal", aliases=(
                "เป้าหมาย", "sdg", "goal number"), example="6"),
            Field("un_code", "text", "รหัสตัวชี้วัด UN", "UN indicator code", aliases=(
                "un indicator", "global indicator"), example="6.1.1"),
            Field("name_th", "text", "ชื่อตัวชี้วัด", "Thai name", required=True, aliases=(
                "ชื่อภาษาไทย",), example="ครัวเรือนที่มีน้ำประปาใช้"),
            Field("name_en", "text", "ชื่อภาษาอังกฤษ", "English name", required=True, aliases=(
                "name",), example="Households with piped water"),
            Field("unit", "text", "หน่วย", "Unit", required=True, aliases=("หน่วยนับ",),
                  example="%"),
            Field("direction", "choice", "ทิศทาง", "Direction", required=True, choices=DIRECTION,
                  aliases=("ทิศทางที่ดี", "better"), example="higher"),
            # Required for SDG indicators (their scores need them): checked by the builder.
            Field("lower_bound", "float", "ค่าต่ำสุดของช่วงคะแนน", "Lower bound",
                  aliases=("ขอบล่าง", "min"), example="50"),
            Field("upper_bound", "float", "ค่าสูงสุดของช่วงคะแนน", "Upper bound",
                  aliases=("ขอบบน", "max"), example="100"),
            Field("target_2030", "float", "เป้าหมายปี 2573", "2030 target", aliases=(
                "เป้าหมาย 2573", "target"), example="100"),
            Field("source", "text", "แหล่งที่มา", "Source", required=True, aliases=(
                "ที่มา",), example="NSO Household Socio-Economic Survey"),
            Field("levels", "choice", "ระดับพื้นที่", "Levels", choices=INDICATOR_LEVELS,
                  default="province", example="province"),
            Field("in_index", "bool", "นับในดัชนี", "Counts in the index", default=True,
                  example="1"),
            Field("decimals", "int", "ทศนิยม", "Decimals", default=1, example="1"),
            Field("base_year", "year", "ปีฐาน", "Base year", example=""),
        ),
        key=("indicator_code",), area_levels=()),
    "indicators": ImportSpec(
        "indicators", "sdg_values", "ค่าตัวชี้วัด SDG", "SDG indicator values",
        fields=(
            Field("indicator", "text", "ตัวชี้วัด", "Indicator", required=True, aliases=(
                "indicator_code", "รหัสตัวชี้วัด", "ชื่อตัวชี้วัด", "indicator name"),
                example="g1_income_poverty"),
            *_AREA,
            Field("year", "year", "ปี พ.ศ.", "Year", required=True, aliases=(
                "ปี", "พ.ศ.", "ปีพ.ศ.", "year (be)", "year_ce", "ค.ศ."), example="2567"),
            Field("value", "float", "ค่า", "Value", required=True, aliases=(
                "ค่าตัวชี้วัด", "ผลการดำเนินงาน", "ร้อยละ", "จำนวน", "indicator value"),
                example="12.5"),
            Field("unit", "text", "หน่วย", "Unit", aliases=("หน่วยนับ",), example="%"),
            Field("disaggregation", "text", "การจำแนก", "Disaggregation", aliases=(
                "จำแนก", "breakdown"), default="total", example="total"),
        ),
        key=("indicator_code", "area_code", "year", "disaggregation"),
        area_levels=("province", "district"), wide=True, year_column="year"),
    "households": ImportSpec(
        "households", "households", "ครัวเรือน (จปฐ.)", "Households (basic-needs survey)",
        fields=(
            Field("house_code", "text", "รหัสบ้าน", "House code", required=True, aliases=(
                "เลขรหัสประจำบ้าน", "house_id", "house"), example="HH000001"),
            Field("survey_year", "year", "ปีที่สำรวจ", "Survey year", required=True, aliases=(
                "ปี", "ปี พ.ศ.", "year"), example="2567"),
            Field("village", "area", "รหัสหมู่บ้าน", "Village code", required=True, aliases=(
                "village_code", "หมู่บ้าน", "รหัสหมู่บ้าน dopa"), example="10010101"),
            Field("members", "int", "จำนวนสมาชิก", "Members", required=True, aliases=(
                "สมาชิก", "จำนวนคน", "household size"), example="4"),
            Field("income_per_head", "float", "รายได้เฉลี่ยต่อคนต่อปี (บาท)",
                  "Income per head per year (baht)", aliases=("รายได้ต่อคน", "income"),
                  example="42000"),
            Field("welfare_card", "bool", "บัตรสวัสดิการแห่งรัฐ", "Welfare card", required=True,
                  aliases=("มีบัตรสวัสดิการ",), example="1"),
            Field("target_poor", "bool", "คนจนเป้าหมาย", "Target poor", required=True,
                  aliases=("ครัวเรือนเป้าหมาย", "target"), example="0"),
            *_FLAGS,
        ),
        key=("house_code", "survey_year"), area_levels=("village",), year_column="survey_year"),
    "activities": ImportSpec(
        "activities", "partner_activities", "กิจกรรมภาคีเครือข่าย", "Partner activities",
        fields=(
            Field("partner", "text", "ภาคีเครือข่าย", "Partner", required=True, aliases=(
                "partner_id", "ชื่อภาคี", "หน่วยงาน", "partner name", "organisation"),
                example="วัดโพธิ์ขาม"),
            *_AREA,
            Field("title", "text", "ชื่อกิจกรรม", "Activity", required=True, aliases=(
                "กิจกรรม", "title", "activity title", "โครงการ"), example="ธนาคารอาหารชุมชน"),
            Field("started_on", "date", "วันเริ่ม", "Start date", required=True, aliases=(
                "วันที่เริ่ม", "start", "เริ่ม"), example="2567-10-15"),
            Field("ended_on", "date", "วันสิ้นสุด", "End date", aliases=("end", "สิ้นสุด"),
                  example=""),
            Field("beneficiaries", "int", "ผู้ได้รับประโยชน์ (คน)", "Beneficiaries", aliases=(
                "จำนวนผู้ได้รับประโยชน์",), default=0, example="120"),
            Field("budget", "float", "งบประมาณ (บาท)", "Budget (baht)", aliases=("งบ",),
                  default=0.0, example="150000"),
            Field("status", "choice", "สถานะ", "Status", required=True, choices=ACTIVITY_STATUS,
                  example="ongoing"),
            Field("goals", "goals", "เป้าหมาย SDG", "SDG goals", aliases=("sdg", "sdgs", "goal"),
                  example="1, 2"),
        ),
        key=("partner_id", "area_code", "title", "started_on"),
        area_levels=("province", "district", "subdistrict", "village"), id_column="activity_id",
        children=("activity_goals",), date_year_column="started_on"),
    "partners": ImportSpec(
        "partners", "partners", "ภาคีเครือข่าย", "Network partners",
        fields=(
            Field("name", "text", "ชื่อภาคี", "Partner name", required=True, aliases=(
                "ชื่อ", "name_th", "ชื่อภาษาไทย", "ชื่อหน่วยงาน"), example="วัดโพธิ์ขาม"),
            Field("name_en", "text", "ชื่อภาษาอังกฤษ", "English name", example="Wat Pho Kham"),
            Field("sector", "choice", "ภาค", "Sector", required=True, choices=SECTOR,
                  aliases=("ภาคส่วน",), example="religion"),
            Field("province", "area", "จังหวัดที่ตั้ง", "Home province", required=True, aliases=(
                "home_province", "จังหวัด", "province"), example="ขอนแก่น"),
        ),
        key=("name", "home_province"), area_levels=("province",), id_column="partner_id"),
    "plan_projects": ImportSpec(
        "plan_projects", "plan_projects", "โครงการตามแผน (One Plan)", "One Plan projects",
        fields=(
            *_AREA,
            Field("fiscal_year", "year", "ปีงบประมาณ", "Fiscal year", required=True, aliases=(
                "ปีงบ", "fy", "ปี"), example="2568"),
            Field("name_th", "text", "ชื่อโครงการ", "Thai project name", required=True,
                  aliases=("โครงการ", "project", "project name"), example="โครงการซ่อมแซมบ้าน"),
            Field("name_en", "text", "ชื่อโครงการภาษาอังกฤษ", "English project name",
                  example="Housing repair"),
            Field("agency", "choice", "หน่วยงานรับผิดชอบ", "Agency", required=True,
                  choices=PLAN_AGENCY, aliases=("หน่วยงาน",), example="nha"),
            Field("budget_planned", "float", "งบประมาณที่ได้รับ (บาท)", "Planned budget (baht)",
                  required=True, aliases=("งบประมาณ", "budget"), example="1500000"),
            Field("budget_spent", "float", "เบิกจ่าย (บาท)", "Spent (baht)", aliases=(
                "งบประมาณที่เบิกจ่าย", "spent"), default=0.0, example="250000"),
            Field("start_date", "date", "วันเริ่ม", "Start date", required=True, aliases=(
                "start",), example="2567-10-01"),
            Field("end_date", "date", "วันสิ้นสุด", "End date", required=True, aliases=("end",),
                  example="2568-09-30"),
            Field("status", "choice", "สถานะ", "Status", required=True, choices=PLAN_STATUS,
                  example="in_progress"),
            Field("progress_pct", "float", "ความก้าวหน้า (%)", "Progress (%)", aliases=(
                "ร้อยละความก้าวหน้า", "progress"), default=0.0, example="40"),
            Field("beneficiaries", "int", "ผู้ได้รับประโยชน์ (คน)", "Beneficiaries",
                  default=0, example="200"),
            # Required: progress without its report date cannot be judged late or stalled.
            Field("last_update", "date", "วันที่รายงาน", "Last update", required=True, aliases=(
                "ข้อมูล ณ วันที่", "as of"), example="2568-01-31"),
            Field("goals", "goals", "เป้าหมาย SDG", "SDG goals/targets", aliases=("sdg", "goal"),
                  example="11.1, 1"),
        ),
        key=("area_code", "fiscal_year", "name_th", "agency"),
        area_levels=("province", "district", "subdistrict"), id_column="project_id",
        children=("plan_project_goals",), year_column="fiscal_year"),
    "debt_cases": ImportSpec(
        "debt_cases", "debt_cases", "เรื่องร้องเรียนหนี้นอกระบบ", "Informal-debt cases",
        fields=(
            *_AREA,
            Field("registered_on", "date", "วันที่ลงทะเบียน", "Registered on", required=True,
                  aliases=("วันลงทะเบียน", "registered"), example="2567-01-15"),
            Field("debt_amount", "float", "มูลหนี้ (บาท)", "Debt amount (baht)", required=True,
                  aliases=("มูลหนี้", "amount"), example="50000"),
            Field("creditor_type", "choice", "ประเภทเจ้าหนี้", "Creditor type", required=True,
                  choices=CREDITOR, aliases=("เจ้าหนี้", "creditor"), example="moneylender"),
            Field("stage", "choice", "ขั้นตอน", "Stage", required=True, choices=DEBT_STAGE,
                  aliases=("สถานะ", "status"), example="mediation"),
            Field("mediation_on", "date", "วันที่ไกล่เกลี่ย", "Mediation on", example=""),
            Field("outcome_on", "date", "วันที่ได้ผล", "Outcome on", example=""),
            Field("amount_reduced", "float", "หนี้ที่ลดได้ (บาท)", "Amount reduced (baht)",
                  default=0.0, example="0"),
            Field("amount_refinanced", "float", "หนี้ที่ปรับเข้าระบบ (บาท)",
                  "Amount refinanced (baht)", default=0.0, example="0"),
            Field("house_code", "text", "รหัสบ้าน", "House code", example=""),
            Field("case_no", "text", "เลขที่เรื่อง", "Case number", aliases=(
                "เลขทะเบียน", "เลขที่รับเรื่อง", "case no", "case_number"),
                example="40-2567-000123"),
            Field("channel", "choice", "ช่องทางลงทะเบียน", "Registration channel",
                  choices=CHANNEL, aliases=("ช่องทาง",), example="online"),
            Field("creditors", "int", "จำนวนเจ้าหนี้", "Creditors", aliases=("เจ้าหนี้ (ราย)",),
                  example="1"),
            Field("prosecuted_on", "date", "วันที่ดำเนินคดีเจ้าหนี้", "Creditor prosecuted on",
                  aliases=("วันดำเนินคดี",), example=""),
        ),
        # With the centre's case number two same-day cases of one amount stay apart; without
        # it, such rows cannot be told apart and the duplicate policy decides.
        key=("area_code", "registered_on", "creditor_type", "debt_amount", "house_code",
             "case_no"),
        area_levels=("province", "district", "subdistrict"), id_column="case_id",
        date_year_column="registered_on"),
}


_VILLAGE = Field("village", "area", "หมู่บ้าน", "Village", aliases=(
    "village_code", "รหัสหมู่บ้าน", "ชื่อหมู่บ้าน", "muban", "moo"))
_MEASURE_FIELDS = tuple(
    Field(code, "float", th, en, aliases=aliases) for code, th, en, aliases in
    published_measures())
SPECS["poverty_published"] = ImportSpec(
    "poverty_published", "poverty_published", "ตัวเลขความยากจนที่เผยแพร่ (TPMap/จปฐ.)",
    "Published poverty figures (TPMap, basic-needs survey)",
    fields=(
        *_AREA, _VILLAGE,
        Field("year", "year", "ปี พ.ศ.", "Year", required=True, aliases=(
            "ปี", "พ.ศ.", "ปีพ.ศ.", "year (be)", "ปีที่สำรวจ", "survey year"), example="2566"),
        Field("measure", "choice", "ตัวเลข", "Measure", required=True, aliases=(
            "รายการ", "ตัวชี้วัด", "measure", "item", "มิติ", "ด้าน"),
            choices={code: (th, en, *aliases) for code, th, en, aliases in published_measures()},
            example="target_poor_people"),
        Field("value", "float", "จำนวน", "Value", required=True, aliases=(
            "ค่า", "value", "count"), example="1250"),
        Field("source", "text", "แหล่งที่มา", "Source", required=True, aliases=(
            "ที่มา", "แหล่งข้อมูล", "source"), example="TPMap"),
        *_MEASURE_FIELDS,
    ),
    key=("area_code", "year", "measure"),
    area_levels=("province", "district", "subdistrict", "village"), wide=True,
    year_column="year", measures=tuple(f.name for f in _MEASURE_FIELDS))


def spec_for(kind: str) -> ImportSpec:
    from data.importer.errors import ImportFailure

    if kind not in SPECS:
        raise ImportFailure("unknown_kind", kind=kind)
    return SPECS[kind]
