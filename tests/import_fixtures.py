"""Files that look like real Thai government exports, built in code (nothing is fetched).

Title rows, header cells with line breaks, two-row headers, cp874, BE years as column headers,
Thai digits, thousands separators, national/regional/subtotal rows, registration-office codes
mixed with district codes, one file per dimension named by its combination, and an XLSX whose
hierarchy is shown by indentation.
"""

from __future__ import annotations

import io

HOSTILE = ('<img src="http://198.51.100.7/x.png" onerror=alert(1)> [link](http://198.51.100.7/)'
           ' **bold** <span style="color:red">red</span>')


def company_register_cp874() -> bytes:
    """A DBD-style register: two title rows, header cells with line breaks, cp874."""
    text = ("ทะเบียนนิติบุคคล จังหวัดขอนแก่น\r\n"
            "ข้อมูล ณ วันที่ 31 ธันวาคม 2566\r\n"
            "\r\n"
            "ลำดับ,เลขทะเบียน,\"ชื่อนิติบุคคล\",\"ทุนจดทะเบียน\r\n(บาท)\",\"จังหวัด\",\"ปี\r\nพ.ศ.\"\r\n"
            "1,0405566000011,บริษัท หนึ่ง จำกัด,\"1,000,000\",ขอนแก่น,2566\r\n"
            "2,0405566000022,บริษัท สอง จำกัด,\"๒,๕๐๐,๐๐๐\",ขอนแก่น,2566\r\n"
            "3,0405566000033,\"บริษัท สาม\r\nจำกัด\",\"500,000\",Loei,2566\r\n"
            "4,0405566000044,บริษัท สี่ จำกัด,\"750,000\",จ.เลย,2566\r\n")
    return text.encode("cp874")


def nso_wide_income() -> bytes:
    """NSO-style income table: title rows, a two-row header (a merged label with a line break
    over BE years), Thai digits, thousands separators, national/regional/subtotal rows."""
    rows = [
        "ตาราง 5 รายได้เฉลี่ยต่อเดือนต่อครัวเรือน จำแนกตามภาค และจังหวัด พ.ศ. 2562 - 2566",
        "",
        "ภาค/จังหวัด,\"รายได้เฉลี่ยต่อเดือน\nต่อครัวเรือน (บาท)\",,",
        ",2562,2564,2566",
        "ทั่วราชอาณาจักร,\"26,018\",\"27,352\",\"29,030\"",
        "ภาคตะวันออกเฉียงเหนือ,\"19,279\",\"20,051\",\"22,035\"",
        "ขอนแก่น,\"๒๒,๑๐๐\",\"22,800\",\"24,050\"",
        "เลย,\"17,850\",\"18,020\",\"19,900\"",
        "นครราชสีมา,\"20,100\",-,\"23,150\"",
        "รวม 3 จังหวัด,\"60,050\",\"40,820\",\"67,100\"",
    ]
    return "\n".join(rows).encode("cp874")


def dopa_register_by_office() -> bytes:
    """Population by registration office: a province total coded PP00, district offices and
    municipal offices (PP51-PP99) mixed, and the districts cover only part of the province."""
    rows = [
        "จำนวนราษฎรทั่วราชอาณาจักร ตามหลักฐานการทะเบียนราษฎร ณ วันที่ 31 ธันวาคม 2566",
        "รหัสสำนักทะเบียน,สำนักทะเบียน,ชาย,หญิง,รวม",
        "4000,จังหวัดขอนแก่น,\"885,123\",\"905,877\",\"1,791,000\"",
        "4001,อำเภอเมืองขอนแก่น,\"200,100\",\"210,900\",\"411,000\"",
        "4002,อำเภอบ้านฝาง,\"30,200\",\"31,300\",\"61,500\"",
        "4003,อำเภอพระยืน,\"26,000\",\"26,500\",\"52,500\"",
        "4097,ท้องถิ่นเทศบาลเมืองบ้านไผ่,\"12,000\",\"12,500\",\"24,500\"",
        "4098,ท้องถิ่นเทศบาลเมืองชุมแพ,\"15,000\",\"16,000\",\"31,000\"",
        "4099,ท้องถิ่นเทศบาลนครขอนแก่น,\"50,000\",\"52,000\",\"102,000\"",
    ]
    return "\n".join(rows).encode("utf-8-sig")


def tpmap_province_file() -> bytes:
    """TPMap-style province table: code and name columns, one column per published measure."""
    rows = [
        "PROV_ID,PROV_NAME,จำนวนคนที่สำรวจ,คนจนเป้าหมาย,ด้านสุขภาพ,ด้านความเป็นอยู่,ด้านการศึกษา,"
        "ด้านรายได้,ด้านการเข้าถึงบริการรัฐ",
        "40,ขอนแก่น,\"1,250,000\",\"21,500\",\"4,100\",\"5,300\",\"8,200\",\"7,900\",120",
        "42,เลย,\"480,000\",\"9,800\",\"1,900\",\"2,400\",\"3,600\",\"3,500\",60",
        "94,ปัตตานี,\"690,000\",\"30,100\",\"6,000\",\"7,700\",\"11,800\",\"11,000\",200",
    ]
    return "\n".join(rows).encode("utf-8")


def tpmap_dimension_files() -> dict[str, bytes]:
    """One file per dimension and year, the combination only in the file name."""
    counts = {"health": (4100, 1900), "education": (8200, 3600), "income": (7900, 3500)}
    out = {}
    for dim, (kk, loei) in counts.items():
        text = ("จังหวัด,จำนวนคน\n"
                f"ขอนแก่น,\"{kk:,}\"\n"
                f"เลย,\"{loei:,}\"\n"
                f"รวม,\"{kk + loei:,}\"\n")
        out[f"tpmap_2566_{dim}.csv"] = text.encode("utf-8")
    return out


def indented_xlsx(district_name: str, province_a: str, province_b: str) -> bytes:
    """Target poor by area; districts are indented under their province, as many agencies'
    spreadsheets show a hierarchy. ``district_name`` exists in both provinces."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "คนจนเป้าหมาย"
    ws.append(["คนจนเป้าหมาย ปี 2566 รายจังหวัดและอำเภอ"])
    ws.append([])
    ws.append(["พื้นที่", "คนจนเป้าหมาย (คน)"])
    ws.append(["ทั้งประเทศ", 655365])
    for province, value in ((province_a, 5000), (province_b, 3000)):
        ws.append([province, value])
        ws.append([district_name, value // 5])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(indent=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def hostile_header_csv() -> bytes:
    """A file whose headers, and one name, carry markup and hidden characters."""
    return (f"ตัวชี้วัด,จังหวัด,พ.ศ. 2562,{HOSTILE}\n"
            "g1_income_poverty,ขอนแก่น,12.5,x\n"
            "g1_income_poverty,\u202eเลย\u202c,9.5,y\n"
            "g1_income_poverty,นครราชสีมา\u200b,8.0,z\n").encode()
