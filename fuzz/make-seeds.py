#!/usr/bin/env python3
"""Writes the seed corpus (fuzz/corpus/<harness>/) and the regression inputs
(fuzz/regressions/<harness>/) from the repository's examples and from generators for what
coverage-guided fuzzing does not reach at small sizes: deep nesting, wide tables, 1e999, invalid
UTF-8. Deterministic: run it again and git shows no change. It only writes its own files: inputs
added by campaigns (crashes, merged corpus entries) are left alone. See docs/fuzzing.md."""
import io
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
DEEP = 100_000  # issue 11: coverage-guided fuzzing at small sizes never builds this


def put(kind, harness, name, data):
    d = os.path.join(FUZZ, kind, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def seed(harness, name, data):
    put("corpus", harness, name, data)


def regression(harness, name, data):
    put("regressions", harness, name, data)


def copy(harness, name, src):
    with open(os.path.join(ROOT, src), "rb") as f:
        seed(harness, name, f.read())


def deep_array(n):
    return "[" * n + "]" * n


def xlsx(sheet_xml, shared=None):
    """A minimal xlsx (one sheet "students"); fixed timestamps so the bytes never change."""
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="students" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else '') +
            '</Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData>' + sheet_xml + '</sheetData></worksheet>',
    }
    if shared is not None:
        files["xl/sharedStrings.xml"] = shared
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8") if isinstance(text, str) else text)
    return buf.getvalue()


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def column(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


HEADER = ["姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份", "实习单位"]
ROW = ["张三明", "居民身份证", "310101200603150114", "男", "13800000000", "计算机应用", "计算机2401班", "2027", ""]


def json_bounded():
    h = "json_bounded"
    copy(h, "config-example.json", "config/zzjb.example.json")
    copy(h, "catalog-example.json", "config/catalog.example.json")
    for name, text in {
        "empty-object": "{}", "empty-array": "[]", "scalars": '[1,-0,0.5,-1.5e-7,true,false,null,"x"]',
        "unicode-escapes": r'["\u00e9\u4e2d\ud83d\ude00","\/\b\f\n\r\t"]',
        "lone-surrogate": r'"\ud800"', "big-integers": "[18446744073709551615,-9223372036854775808,18446744073709551616]",
        "number-1e999": '{"n":1e999}', "number-minus-1e999": "[-1e999]",
        "bom": "\ufeff{}", "comment": "{/*x*/}", "trailing-comma": "[1,]",
        "depth-64": deep_array(64), "depth-65": deep_array(65),
        "nested-objects-64": '{"a":' * 63 + "1" + "}" * 63,
    }.items():
        seed(h, name, text)
    seed(h, "invalid-utf8-string", b'["\xff\xfe", "\xc0\xaf"]')
    seed(h, "deep-100k-unclosed", "[" * DEEP)
    regression(h, "deep-100k-array", deep_array(DEEP))
    regression(h, "deep-items-100k", '{"items":' + deep_array(DEEP) + "}")
    regression(h, "number-1e999-in-object", '{"version":"1","items":[{"levels":[1e999]}]}')


def key_uri():
    h = "key_uri"
    for i, text in enumerate([
        "file:keys/school.key", "file:///var/lib/zzjb/k.pem", "file:", "file:%ZZ",
        "pkcs11:token=SHECA%20Key;object=sign;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin",
        "pkcs11:token=zzjb;object=school?module-path=/usr/lib/softhsm/libsofthsm2.so",
        "pkcs11:token=t;object=o?module-path=/m.so&pin-value=123456",
        "pkcs11:token=t;object=o", "pkcs11:;;;?&&&", "pkcs11:id=%",
        "skf:lib=/opt/key/libskf.so;dev=USBKey0;app=SHECA;container=SIGN",
        "skf:lib=libskf.so", "skf:", "unknown:x", "", "PKCS11:token=t;object=o?module-path=m.so",
    ]):
        seed(h, f"uri-{i:02d}", text)
    seed(h, "invalid-utf8", b"file:\xff\xfe/k.pem")


def config():
    h = "config"
    copy(h, "example.json", "config/zzjb.example.json")
    base = ('{"platform":{"baseUrl":"https://127.0.0.1:8443","caBundle":"ca.pem","timeoutSeconds":30},'
            '"catalog":"catalog.json","schools":[{"id":"xuhui-zz","name":"上海市徐汇区示范中等职业学校",'
            '"creditCode":"12310104MB0C12345X","level":"secondary","district":"徐汇区",'
            '"identity":{"certificate":"keys/xuhui.crt","key":"file:keys/xuhui.key"},'
            '"majors":[{"name":"计算机应用","roster":"rosters/x.csv","targets":[{"type":"group",'
            '"occupationCode":"4-04-05-01","occupationName":"计算机程序设计员","level":4,'
            '"options":%s}]}]}]%s}')
    seed(h, "minimal", base % ('{"a":{"b":[1,2]}}', ""))
    seed(h, "schedule", base % ("{}", ',"schedule":{"every":"1d","at":"02:00"}'))
    seed(h, "level-4294967300", base.replace('"level":4', '"level":4294967300') % ("{}", ""))
    seed(h, "empty-school-id", base.replace('"id":"xuhui-zz"', '"id":""') % ("{}", ""))
    seed(h, "school-id-dotdot", base.replace('"id":"xuhui-zz"', '"id":"../x"') % ("{}", ""))
    seed(h, "options-depth-60", base % ('{"a":' * 60 + "1" + "}" * 60, ""))
    seed(h, "not-an-object", "[1,2,3]")
    seed(h, "syntax-error", '{"schools":[}')
    seed(h, "invalid-utf8", (base % ("{}", "")).replace("计算机应用", "\udcff").encode("utf-8", "surrogateescape"))
    seed(h, "bom", "\ufeff" + base % ("{}", ""))
    regression(h, "number-1e999", base % ('{"x":1e999}', ""))
    regression(h, "level-1e999", base.replace('"level":4', '"level":1e999') % ("{}", ""))
    regression(h, "deep-options-100k", base % ('{"a":' + deep_array(DEEP) + "}", ""))
    regression(h, "deep-schedule-100k", base % ("{}", ',"schedule":' + deep_array(DEEP)))


def catalog():
    h = "catalog"
    copy(h, "example.json", "config/catalog.example.json")
    item = ('{"org":{"name":"上海示范信息技术技能评价中心","creditCode":"52310000MJ1A2B3C9Q","type":"SOCIAL_ORG"},'
            '"occupations":[{"code":"4-04-05-01","name":"计算机程序设计员","levels":[3,4,5]}]}')
    seed(h, "one-item", '{"version":"1","items":[' + item + "]}")
    seed(h, "empty", '{"version":"1","items":[]}')
    seed(h, "bad-type", '{"version":"1","items":[' + item.replace("SOCIAL_ORG", "X") + "]}")
    seed(h, "level-big", '{"version":"1","items":[' + item.replace("[3,4,5]", "[4294967300,-1]") + "]}")
    seed(h, "not-object", "[]")
    regression(h, "number-1e999", '{"version":"1","items":[' + item.replace("[3,4,5]", "[1e999]") + "]}")
    regression(h, "version-1e999", '{"version":1e999,"items":[]}')
    regression(h, "deep-items-100k", '{"version":"1","items":' + deep_array(DEEP) + "}")


def roster_csv():
    h = "roster_csv"
    copy(h, "students.utf8.csv", "tests/fixtures/rosters/students.utf8.csv")
    copy(h, "students.gb18030.csv", "tests/fixtures/rosters/students.gb18030.csv")
    copy(h, "xuhui-zz-2027.csv", "config/rosters/xuhui-zz-2027.csv")
    head = ",".join(HEADER) + "\r\n"
    row = ",".join(ROW) + "\r\n"
    seed(h, "bom", "\ufeff" + head + row)
    seed(h, "quoted-newline", head + row.replace("计算机2401班", '"计算机\n2401班"'))
    seed(h, "unterminated-quote", head + '"abc,def\r\n')
    seed(h, "lone-cr", head.replace("\r\n", "\r") + row.replace("\r\n", "\r"))
    seed(h, "short-rows", head + "张三\r\n\r\n,,\r\n")
    seed(h, "only-header", head)
    seed(h, "invalid-utf8-and-gb18030", head.encode() + b"\xff\xff\xff,\x80\r\n")
    seed(h, "utf8-then-invalid", head.encode() + row.encode() + b"\xe4\xb8\r\n")
    # A wide header: 4096 columns in 8 KB (issue 11 item 6: rows were padded to the header width).
    seed(h, "wide-header-4096", ",".join(["a"] * 4096) + "\r\n" + "x\r\n" * 3)
    # Every 证件类型 group declaration takes, and 出生日期 in the forms rosters write it (issue 15).
    docs = [("港澳台居民居住证", "830000200803010220"), ("回乡证", "h12345678"),
            ("台湾居民来往大陆通行证", "0561682001(D)"), ("护照", "EA1234567"), ("", "310101200603150114"),
            ("军官证", "12345")]
    dates = ["2008-03-01", "2008/3/1", "20080301", "39508", "2008.02.30", "99999"]
    seed(h, "id-documents", ",".join(HEADER + ["出生日期"]) + "\r\n" + "".join(
        ",".join(ROW[:1] + [t, n] + ROW[3:] + [d]) + "\r\n" for (t, n), d in zip(docs, dates)))


def roster_xlsx():
    h = "roster_xlsx"
    copy(h, "students.xlsx", "tests/fixtures/rosters/students.xlsx")
    copy(h, "students.numeric-id.xlsx", "tests/fixtures/rosters/students.numeric-id.xlsx")
    copy(h, "pudong-gz-2027.xlsx", "config/rosters/pudong-gz-2027.xlsx")
    header = "".join(inline(f"{column(i)}1", t) for i, t in enumerate(HEADER))
    row = "".join(inline(f"{column(i)}2", t) for i, t in enumerate(ROW) if t)
    seed(h, "inline-strings", xlsx(f'<row r="1">{header}</row><row r="2">{row}</row>'))
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + "".join(f"<si><t>{t}</t></si>" for t in HEADER) + '<si><r><t>张</t></r><r><t>三</t></r></si></sst>')
    cells = "".join(f'<c r="{column(i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    seed(h, "shared-strings", xlsx(f'<row r="1">{cells}</row><row r="2"><c r="A2" t="s"><v>9</v></c>'
                                   f'<c r="C2" t="n"><v>1.10105194912310E+17</v></c><c r="H2"><v>2027</v></c>'
                                   f'<c r="D2" t="b"><v>1</v></c><c r="E2" t="str"><f>A1</f><v>x</v></c></row>', shared))
    seed(h, "shared-index-out-of-range", xlsx('<row r="1"><c r="A1" t="s"><v>99</v></c></row>', shared))
    # Wide: a header cell at XFD (the last column); one data row (issue 11 item 6).
    seed(h, "wide-xfd", xlsx(f'<row r="1">{inline("A1", "姓名")}{inline("XFD1", "末列")}</row>'
                             f'<row r="2">{inline("A2", "张三")}</row>'))
    seed(h, "row-number-huge", xlsx(f'<row r="1048576">{inline("A1048576", "x")}</row>'))
    seed(h, "bad-refs", xlsx(f'<row r="1">{inline("ZZZZ1", "x")}{inline("A0", "y")}{inline("1A", "z")}</row>'))
    seed(h, "not-a-zip", b"PK\x03\x04 not really")
    # Item 5: a cell that is not UTF-8 must become a finding at its cell.
    bad = xlsx(f'<row r="1">{inline("A1", "姓名")}</row><row r="2">{inline("A2", "@@")}</row>')
    regression(h, "invalid-utf8-cell.xlsx", patch_zip_text(bad, "@@", b"\xff\xfe"))


def roster_xlsx_sheet():
    """The sheet's XML as the input (fuzz/harnesses/roster_xlsx_sheet.cpp zips it)."""
    h = "roster_xlsx_sheet"
    sst_mark = "\n--sst--\n"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    def sheet(rows):
        return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{rows}</sheetData></worksheet>'
    header = "".join(inline(f"{column(i)}1", t) for i, t in enumerate(HEADER))
    row = "".join(inline(f"{column(i)}2", t) for i, t in enumerate(ROW) if t)
    seed(h, "inline-strings", sheet(f'<row r="1">{header}</row><row r="2">{row}</row>'))
    sst = f'<sst {ns}>' + "".join(f"<si><t>{t}</t></si>" for t in HEADER) + '<si><r><t>张</t></r><r><t>三</t></r></si></sst>'
    cells = "".join(f'<c r="{column(i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    seed(h, "shared-strings", sheet(f'<row r="1">{cells}</row><row r="2"><c r="A2" t="s"><v>9</v></c>'
                                    f'<c r="C2" t="n"><v>1.10105194912310E+17</v></c><c r="H2"><v>2027</v></c>'
                                    f'<c r="D2" t="b"><v>1</v></c><c r="E2" t="str"><f>A1</f><v>x</v></c>'
                                    f'<c r="F2" t="e"><v>#N/A</v></c></row>') + sst_mark + sst)
    seed(h, "no-refs", sheet(f'<row><c t="inlineStr"><is><t>姓名</t></is></c><c/></row><row><c><v>1</v></c></row>'))
    # A header reaching XFD, no data row (a padded data row already breaks the memory bound).
    seed(h, "wide-xfd-header", sheet(f'<row r="1">{inline("A1", "姓名")}{inline("XFD1", "末列")}</row>'))
    seed(h, "beyond-xfd", sheet(f'<row r="1">{inline("A1", "姓名")}{inline("XFE1", "x")}{inline("AAAAAAA1", "y")}</row>'))
    seed(h, "row-numbers", sheet(f'<row r="1048576">{inline("A1048576", "x")}</row><row r="0"/><row r="-1"/>'
                                 f'<row r="99999999999999999999">{inline("A2", "y")}</row>'))
    seed(h, "shared-out-of-range", sheet('<row r="1"><c r="A1" t="s"><v>99</v></c><c r="B1" t="s"><v>-1</v></c>'
                                         '<c r="C1" t="s"><v>x</v></c></row>') + sst_mark + sst)
    seed(h, "entities", sheet(f'<row r="1">{inline("A1", "&amp;&lt;&#x4E2D;&#0;&#xD800;")}</row>'))
    seed(h, "not-xml", "<worksheet><sheetData><row")
    regression(h, "invalid-utf8-cell", sheet(f'<row r="1">{inline("A1", "姓名")}</row><row r="2">{inline("A2", "@@")}</row>')
               .encode().replace(b"@@", b"\xff\xfe"))
    regression(h, "invalid-utf8-shared-string",
               (sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>')
                + sst_mark + f'<sst {ns}><si><t>姓名</t></si><si><t>@@</t></si></sst>').encode().replace(b"@@", b"\xc0\xaf"))
    # Item 6: a header reaching XFD and 40 short rows: 2 KB of XML, 47 MB of table padded.
    regression(h, "wide-xfd-padded-rows", sheet(f'<row r="1">{inline("A1", "姓名")}{inline("XFD1", "末列")}</row>'
                                                + "".join(f'<row r="{r}">{inline(f"A{r}", "张")}</row>' for r in range(2, 42))))


def patch_zip_text(_zip_bytes, marker, replacement):
    """Rebuilds the sheet with `marker` replaced by raw bytes (pugixml reads the XML as bytes)."""
    header = "".join(inline("A1", "姓名"))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData><row r="1">{header}</row><row r="2">{inline("A2", marker)}</row></sheetData></worksheet>')
    raw = sheet.encode("utf-8").replace(marker.encode(), replacement)
    src = zipfile.ZipFile(io.BytesIO(_zip_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = raw if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename)
            z.writestr(info, data)
    return buf.getvalue()


def platform_answers():
    h = "platform_answers"
    for name, text in {
        "account": '{"creditCode":"12310104MB0C12345X","status":"ACTIVE","registeredAt":"2027-04-01T09:00:00+08:00"}',
        "catalog": '{"version":"1","items":[{"org":{"name":"中心","creditCode":"52310000MJ1A2B3C9Q","type":"SOCIAL_ORG"},'
                   '"occupations":[{"code":"4-04-05-01","name":"计算机程序设计员","levels":[3,4]}]}]}',
        "permissions": '{"items":[{"matter":"SKILL_EVALUATION","occupationCode":"4-04-05-01","level":4,'
                       '"evaluationOrg":{"name":"中心","creditCode":"52310000MJ1A2B3C9Q"},"grantedAt":"2027-04-01T09:00:00+08:00"}]}',
        "application": '{"applicationId":"PA0001","status":"REJECTED","reason":"联系人 13800000000 无效","updatedAt":"2027-04-01T09:00:00+08:00",'
                       '"matter":"SKILL_EVALUATION","occupationCode":"4-04-05-01","level":4,'
                       '"evaluationOrg":{"name":"中心","creditCode":"52310000MJ1A2B3C9Q"}}',
        "batch": '{"batchId":"GD0001","status":"DONE","rows":[{"row":2,"idNumber":"3101**********0114","result":"REJECTED",'
                 '"reason":"ID_INVALID","message":"证件号码 310101200603150114 校验位有误"},{"row":3,"result":"ACCEPTED","declarationNo":"D1"}]}',
        "declarations": '{"items":[{"idNumber":"310101200603150114","occupationCode":"4-04-05-01","level":4,"declarationNo":"D1","batchId":"GD0001"}]}',
        "zero-or-one-empty": '{"items":[]}',
        "zero-or-one": '{"items":[{"applicationId":"PA0001","status":"SUBMITTED"}]}',
        "zero-or-two": '{"items":[{},{}]}',
        "error": '{"code":"VALIDATION_FAILED","message":"手机号 13800000000 有误","requestId":"R1",'
                 '"fields":[{"field":"leader.mobile","message":"13800000000 不是手机号"}]}',
        "level-huge": '{"items":[{"idNumber":"x","occupationCode":"c","level":4294967300,"declarationNo":"d"}]}',
        "items-depth-60": '{"items":' + deep_array(60) + "}",
    }.items():
        seed(h, name, text)
    regression(h, "deep-items-100k", '{"items":' + deep_array(DEEP) + "}")
    regression(h, "number-1e999", '{"items":[{"level":1e999}]}')


def http(method, target, body=b"", headers=()):
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(target, str):
        target = target.encode("utf-8")
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [h.encode() for h in headers]
    if body:
        lines += [b"Content-Type: application/json", b"Content-Length: " + str(len(body)).encode()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def mock_request():
    h = "mock_request"
    cat = '{"version":"2","items":[{"org":{"name":"中心","creditCode":"52310000MJ1A2B3C9Q","type":"SOCIAL_ORG"},"occupations":[{"code":"4-04-05-01","name":"计算机程序设计员","levels":[3,4]}]}]}'
    seed(h, "health", http("GET", "/__admin/health"))
    seed(h, "admin-catalog", http("POST", "/__admin/catalog", cat) + http("GET", "/__admin/state"))
    seed(h, "admin-clock", http("POST", "/__admin/clock", '{"offsetSeconds":3600}') +
         http("POST", "/__admin/clock", '{"advanceSeconds":60}') + http("GET", "/__admin/clock"))
    seed(h, "admin-clock-now", http("POST", "/__admin/clock", '{"now":"2027-04-01T09:00:00+08:00"}'))
    seed(h, "admin-policies", http("POST", "/__admin/review-policy", '{"mode":"auto-approve","afterPolls":2}') +
         http("POST", "/__admin/batch-policy", '{"doneAfterPolls":1}') +
         http("POST", "/__admin/account-policy", '{"mode":"manual"}'))
    seed(h, "admin-grant", http("POST", "/__admin/permissions",
                                '{"creditCode":"12310104MB0C12345X","matter":"SKILL_EVALUATION","occupationCode":"4-04-05-01","level":4}'))
    # Issue 14: the catalog's matters (the mock's own parser of them) and a grant of an ability.
    matters = ('[{"name":"职业技能等级认定","opening":"ONLINE","scope":"OCCUPATION","nodes":[{"name":"社会评价组织等级认定","orgType":"SOCIAL_ORG"}]},'
               '{"name":"专项职业能力考核","opening":"CENTRE","scope":"ABILITY","nodes":[]}]')
    seed(h, "admin-catalog-matters", http("POST", "/__admin/catalog", cat[:-1] + ',"matters":' + matters + "}") +
         http("POST", "/__admin/permissions", '{"creditCode":"12310104MB0C12345X","matter":"专项职业能力考核","node":null,'
                                              '"abilityCode":"ZX-0301","abilityName":"网店运营"}') + http("GET", "/__admin/state"))
    seed(h, "catalog-matters-invalid", http("POST", "/__admin/catalog", '{"version":"1","items":[],"matters":[{"name":"x","opening":1,'
                                                                         '"scope":"ABILITY","nodes":[{"name":"n","orgType":[]},{"name":"n"}]},7]}'))
    seed(h, "admin-activate", http("POST", "/__admin/accounts/12310104MB0C12345X/activate"))
    seed(h, "admin-approve", http("POST", "/__admin/applications/PA1/approve") + http("POST", "/__admin/applications/PA1/reject", '{"reason":"x"}'))
    seed(h, "admin-reset", http("POST", "/__admin/reset"))
    seed(h, "challenge", http("POST", "/api/v1/auth/challenge", '{"creditCode":"12310104MB0C12345X"}'))
    seed(h, "login-bad", http("POST", "/api/v1/auth/login", '{"challengeId":"CH1","certificate":"QQ==","signature":"QQ=="}'))
    seed(h, "account-no-session", http("GET", "/api/v1/account", headers=["Authorization: Bearer x"]))
    seed(h, "query", http("GET", "/api/v1/skills/permission-applications?idempotencyKey=k%20&x=%ZZ"))
    seed(h, "not-found", http("GET", "/nope"))
    seed(h, "method-not-allowed", http("DELETE", "/__admin/catalog"))
    seed(h, "catalog-invalid", http("POST", "/__admin/catalog", '{"items":[{"org":1}]}'))
    seed(h, "catalog-depth-60", http("POST", "/__admin/catalog", '{"items":' + deep_array(60) + "}"))
    seed(h, "multipart", http("POST", "/api/v1/skills/group-declarations", MULTIPART,
                              headers=["Content-Type: multipart/form-data; boundary=zzjbB0undary", "Idempotency-Key: k1"]))
    # Item 12: the admin catalog's validation copies each item's org; policies copy their mode.
    regression(h, "deep-catalog-org-100k", http("POST", "/__admin/catalog", '{"version":"1","items":[{"org":' + deep_array(DEEP) + "}]}"))
    regression(h, "deep-policy-mode-100k", http("POST", "/__admin/account-policy", '{"mode":' + deep_array(DEEP) + "}"))
    regression(h, "deep-body-100k", http("POST", "/__admin/clock", deep_array(DEEP)))
    regression(h, "invalid-utf8-path", http("GET", b"/api/v1/\xff\xfe"))
    regression(h, "invalid-utf8-admin-path", http("GET", b"/__admin/\xc0\xaf"))
    regression(h, "invalid-utf8-after-admin-route", http("GET", b"/__admin/catalog\xff"))
    regression(h, "clock-offset-overflow", http("POST", "/__admin/clock", '{"offsetSeconds":9223372036854775807}') +
               http("POST", "/__admin/clock", '{"advanceSeconds":9223372036854775807}') + http("GET", "/__admin/clock"))


MULTIPART = ("--zzjbB0undary\r\nContent-Disposition: form-data; name=\"manifest\"\r\nContent-Type: application/json\r\n\r\n"
             '{"batchName":"x","rows":1}\r\n'
             "--zzjbB0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.xlsx\"\r\n"
             "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\nPK\x03\x04xx\r\n"
             "--zzjbB0undary--\r\n")


def mock_multipart():
    h = "mock_multipart"
    ct = "multipart/form-data; boundary=zzjbB0undary\n"
    seed(h, "two-parts", ct + MULTIPART)
    seed(h, "quoted-boundary", 'multipart/form-data; boundary="zzjbB0undary"\n' + MULTIPART)
    seed(h, "no-final", ct + MULTIPART.replace("--zzjbB0undary--\r\n", ""))
    seed(h, "empty-part", ct + "--zzjbB0undary\r\n\r\n\r\n--zzjbB0undary--\r\n")
    seed(h, "not-multipart", "application/json\n{}")
    seed(h, "preamble", ct + "preamble\r\n" + MULTIPART + "epilogue")
    # Issue 14: the manifest of an ability's batch (专项职业能力考核: abilityCode, no level).
    seed(h, "ability-manifest", ct + MULTIPART.replace(
        '{"batchName":"x","rows":1}',
        '{"matter":"专项职业能力考核","node":null,"evaluationOrg":null,"abilityCode":"ZX-0301",'
        '"abilityName":"网店运营","rowCount":1,"sha256":"' + "0" * 64 + '"}'))


def mock_base64():
    h = "mock_base64"
    for name, text in {"empty": "", "one": "QQ==", "two": "QUI=", "three": "QUJD", "four": "QUJDRA==",
                       "all-bytes": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "url-safe": "-_-_",
                       "whitespace": "QU JD", "bad-padding": "Q===", "pad-inside": "QQ==QQ=="}.items():
        seed(h, name, text)
    # Item 12: non-zero padding bits were accepted by the "strict" decoder.
    regression(h, "padding-bits-one-byte", "QR==")
    regression(h, "padding-bits-two-bytes", "QUJ=")


def main():
    # Files are (re)written, never removed: crashes from campaigns and merged corpus entries stay.
    for make in (json_bounded, key_uri, config, catalog, roster_csv, roster_xlsx, roster_xlsx_sheet, platform_answers,
                 mock_request, mock_multipart, mock_base64):
        make()
    # Every harness has both directories (the replay refuses a missing one).
    for kind in ("corpus", "regressions"):
        for harness in ("json_bounded", "key_uri", "config", "catalog", "roster_csv", "roster_xlsx", "roster_xlsx_sheet",
                        "platform_answers", "mock_request", "mock_multipart", "mock_base64"):
            d = os.path.join(FUZZ, kind, harness)
            os.makedirs(d, exist_ok=True)
            keep = os.path.join(d, ".gitkeep")
            if [f for f in os.listdir(d) if f != ".gitkeep"]:
                if os.path.exists(keep):
                    os.remove(keep)
            else:
                open(keep, "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
