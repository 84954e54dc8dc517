"""Fixed reference lists: the 17 SDGs, basic-needs indicators in 5 dimensions, partner sectors."""

from __future__ import annotations

from dataclasses import dataclass

# Official UN SDG names (Thai as used by NESDC) and the official goal colours.
SDG_GOALS: tuple[tuple[int, str, str, str], ...] = (
    (1, "ขจัดความยากจน", "No Poverty", "#E5243B"),
    (2, "ขจัดความหิวโหย", "Zero Hunger", "#DDA63A"),
    (3, "การมีสุขภาวะที่ดี", "Good Health and Well-being", "#4C9F38"),
    (4, "การศึกษาที่เท่าเทียม", "Quality Education", "#C5192D"),
    (5, "ความเท่าเทียมทางเพศ", "Gender Equality", "#FF3A21"),
    (6, "การจัดการน้ำและสุขาภิบาล", "Clean Water and Sanitation", "#26BDE2"),
    (7, "พลังงานสะอาดที่ทุกคนเข้าถึงได้", "Affordable and Clean Energy", "#FCC30B"),
    (8, "การจ้างงานที่มีคุณค่าและการเติบโตทางเศรษฐกิจ", "Decent Work and Economic Growth", "#A21942"),
    (9, "อุตสาหกรรม นวัตกรรม และโครงสร้างพื้นฐาน", "Industry, Innovation and Infrastructure", "#FD6925"),
    (10, "ลดความเหลื่อมล้ำ", "Reduced Inequalities", "#DD1367"),
    (11, "เมืองและถิ่นฐานมนุษย์อย่างยั่งยืน", "Sustainable Cities and Communities", "#FD9D24"),
    (12, "แผนการบริโภคและการผลิตที่ยั่งยืน", "Responsible Consumption and Production", "#BF8B2E"),
    (13, "การรับมือการเปลี่ยนแปลงสภาพภูมิอากาศ", "Climate Action", "#3F7E44"),
    (14, "การใช้ประโยชน์จากมหาสมุทรและทรัพยากรทางทะเล", "Life Below Water", "#0A97D9"),
    (15, "การใช้ประโยชน์จากระบบนิเวศทางบก", "Life on Land", "#56C02B"),
    (16, "สังคมสงบสุข ยุติธรรม ไม่แบ่งแยก", "Peace, Justice and Strong Institutions", "#00689D"),
    (17, "ความร่วมมือเพื่อการพัฒนาที่ยั่งยืน", "Partnerships for the Goals", "#19486A"),
)

GOAL_COLOURS = {g: c for g, _, _, c in SDG_GOALS}

DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("health", "สุขภาพ", "Health"),
    ("living", "ความเป็นอยู่", "Living conditions"),
    ("education", "การศึกษา", "Education"),
    ("income", "รายได้", "Income"),
    ("access", "การเข้าถึงบริการรัฐ", "Access to public services"),
)
DIMENSION_CODES = tuple(d for d, _, _ in DIMENSIONS)


@dataclass(frozen=True)
class PovertyIndicator:
    code: str
    dimension: str
    name_th: str
    name_en: str

    @property
    def column(self) -> str:
        return f"d_{self.dimension}_{self.code}"


# The 17 basic-needs (จปฐ.) indicators that TPMap groups in its 5 dimensions; a household
# flagged on one of them fails that basic need.
POVERTY_INDICATORS: tuple[PovertyIndicator, ...] = (
    PovertyIndicator("birthweight", "health", "เด็กแรกเกิดมีน้ำหนัก 2,500 กรัมขึ้นไป",
                     "Newborns weigh at least 2,500 g"),
    PovertyIndicator("food", "health", "ครัวเรือนกินอาหารถูกสุขลักษณะ ปลอดภัย",
                     "Household eats safe, hygienic food"),
    PovertyIndicator("medicine", "health", "ครัวเรือนใช้ยาเพื่อบำบัดอาการเจ็บป่วยเบื้องต้นอย่างเหมาะสม",
                     "Household uses basic medicines properly"),
    PovertyIndicator("exercise", "health", "คนอายุ 6 ปีขึ้นไปออกกำลังกายอย่างน้อยสัปดาห์ละ 3 วัน",
                     "People aged 6+ exercise 3 days a week"),
    PovertyIndicator("housing", "living", "ครัวเรือนมีความมั่นคงในที่อยู่อาศัย บ้านมีสภาพคงทนถาวร",
                     "Secure tenure and a durable house"),
    PovertyIndicator("drinking_water", "living", "ครัวเรือนมีน้ำสะอาดสำหรับดื่มเพียงพอตลอดปี",
                     "Enough clean drinking water all year"),
    PovertyIndicator("water_use", "living", "ครัวเรือนมีน้ำใช้เพียงพอตลอดปี",
                     "Enough water for household use all year"),
    PovertyIndicator("sanitation", "living", "ครัวเรือนจัดการบ้านเรือนสะอาด ถูกสุขลักษณะ",
                     "Clean, sanitary home"),
    PovertyIndicator("preschool", "education", "เด็กอายุ 3-5 ปีได้รับบริการเตรียมความพร้อมก่อนวัยเรียน",
                     "Children aged 3-5 attend pre-school"),
    PovertyIndicator("compulsory", "education", "เด็กอายุ 6-14 ปีได้รับการศึกษาภาคบังคับ 9 ปี",
                     "Children aged 6-14 in compulsory education"),
    PovertyIndicator("upper_secondary", "education", "เด็กจบ ม.3 ได้เรียนต่อ ม.4 หรือเทียบเท่า",
                     "Lower-secondary graduates continue to upper secondary"),
    PovertyIndicator("literacy", "education", "คนอายุ 15-59 ปีอ่าน เขียนภาษาไทย และคิดเลขอย่างง่ายได้",
                     "People aged 15-59 read, write Thai and do simple arithmetic"),
    PovertyIndicator("working_age_job", "income", "คนอายุ 15-59 ปีมีอาชีพและมีรายได้",
                     "People aged 15-59 have work and income"),
    PovertyIndicator("elderly_job", "income", "คนอายุ 60 ปีขึ้นไปมีอาชีพและมีรายได้",
                     "People aged 60+ have work and income"),
    PovertyIndicator("per_head", "income", "รายได้เฉลี่ยของคนในครัวเรือนไม่น้อยกว่าเกณฑ์ จปฐ.",
                     "Income per head at or above the basic-needs line"),
    PovertyIndicator("elderly_care", "access", "คนอายุ 60 ปีขึ้นไปได้รับการดูแลจากครอบครัว ชุมชน หรือรัฐ",
                     "People aged 60+ are cared for"),
    PovertyIndicator("disabled_care", "access", "คนพิการได้รับการดูแลจากครอบครัว ชุมชน หรือรัฐ",
                     "People with disabilities are cared for"),
)

DEPRIVATION_COLUMNS = tuple(i.column for i in POVERTY_INDICATORS)

# Basic-needs income line (baht per person per year) used by the 2560-2564 BE survey.
INCOME_LINE_PER_HEAD = 38_000

SECTORS: tuple[tuple[str, str, str], ...] = (
    ("government", "ภาครัฐ", "Government"),
    ("private", "ภาคเอกชน", "Private sector"),
    ("civil_society", "ภาคประชาสังคม", "Civil society"),
    ("religion", "ภาคศาสนา", "Religion"),
    ("academia", "ภาควิชาการ", "Academia"),
    ("media", "ภาคสื่อสารมวลชน", "Media"),
    ("people", "ภาคประชาชน", "The people"),
)
SECTOR_CODES = tuple(s for s, _, _ in SECTORS)

ACTIVITY_STATUSES = ("planned", "ongoing", "completed", "cancelled")
CASE_STATUSES = ("identified", "in_progress", "resolved")

# Agencies responsible for assistance, by dimension (codes are stable; names are display).
AGENCIES: dict[str, tuple[str, str]] = {
    "moph": ("กระทรวงสาธารณสุข", "Ministry of Public Health"),
    "nha": ("การเคหะแห่งชาติ", "National Housing Authority"),
    "dla": ("กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration"),
    "moe": ("กระทรวงศึกษาธิการ", "Ministry of Education"),
    "cdd": ("กรมการพัฒนาชุมชน", "Community Development Department"),
    "dsdw": ("กรมพัฒนาสังคมและสวัสดิการ", "Department of Social Development and Welfare"),
    "doae": ("กรมส่งเสริมการเกษตร", "Department of Agricultural Extension"),
    "doe": ("กรมการจัดหางาน", "Department of Employment"),
}
AGENCIES_BY_DIMENSION: dict[str, tuple[str, ...]] = {
    "health": ("moph", "dla"),
    "living": ("nha", "dla"),
    "education": ("moe", "dla"),
    "income": ("cdd", "doae", "doe"),
    "access": ("dsdw", "dla"),
}

# One Plan: agencies that own plan projects, project statuses (progress is reported monthly).
PLAN_AGENCIES: dict[str, tuple[str, str]] = {
    **AGENCIES,
    "dopa": ("กรมการปกครอง", "Department of Provincial Administration"),
    "drr": ("กรมทางหลวงชนบท", "Department of Rural Roads"),
    "rid": ("กรมชลประทาน", "Royal Irrigation Department"),
    "pao": ("องค์การบริหารส่วนจังหวัด", "Provincial Administrative Organisation"),
}
PLAN_STATUSES = ("not_started", "in_progress", "completed", "suspended")

# Informal debt (urgent policy since 1 Dec 2566 BE): cases move registered > mediation > outcome.
DEBT_STAGES = ("registered", "mediation", "settled", "referred", "closed")
DEBT_OUTCOMES = ("settled", "referred", "closed")
CREDITOR_TYPES: dict[str, tuple[str, str]] = {
    "moneylender": ("นายทุนเงินกู้นอกระบบ", "Informal moneylender"),
    "online_app": ("แอปเงินกู้ออนไลน์", "Online loan app"),
    "acquaintance": ("ญาติหรือคนรู้จัก", "Relative or acquaintance"),
    "shop_credit": ("ร้านค้าหรือเงินผ่อน", "Shop credit or instalments"),
    "other": ("อื่น ๆ", "Other"),
}
