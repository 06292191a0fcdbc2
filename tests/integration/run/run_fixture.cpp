// The rehearsal world of run_fixture.hpp: deterministic, so a failure can be reproduced.
#include "run_fixture.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace zzjb::test {
namespace {

using json = nlohmann::json;

// GB 11643: 17 digits, then the check character.
std::string residentId(const std::string& area, int year, int month, int day, int seq, bool male) {
  int s3 = seq % 1000;
  if ((s3 % 2 == 1) != male) s3 = (s3 + 1) % 1000;
  char body[18];
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d", area.c_str(), year, month, day, s3);
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3,
                                                   7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[static_cast<std::size_t>(i)];
  return std::string(body) + "10X98765432"[sum % 11];
}

std::string nameOf(std::size_t i) {
  static const std::array<const char*, 20> kFamily = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                                      "赵", "吴", "周", "徐", "孙", "马", "朱",
                                                      "胡", "郭", "何", "高", "林", "罗"};
  static const std::array<const char*, 25> kGiven = {
      "子涵", "雨桐", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "思远", "佳琪", "一鸣", "晓东", "文博", "诗涵",
      "明轩", "若曦", "天佑", "嘉怡", "博文", "雅婷", "志强", "晨阳", "心怡", "泽宇", "可馨", "家豪"};
  return std::string(kFamily[i % kFamily.size()]) + kGiven[(i / kFamily.size()) % kGiven.size()];
}

struct MajorSpec {
  std::string name;
  std::string className;
  std::string type;
  std::string occupationCode;
  std::string occupationName;
  std::optional<std::pair<std::string, std::string>> org;  // name, credit code
  bool employer = false;
  bool ability = false;  // special-ability: occupationCode/Name are the ability's code and name
};

struct SchoolSpec {
  std::string id;
  std::string name;
  std::string credit;
  std::string level;  // SECONDARY / HIGHER
  int targetLevel;
  std::string area;
  int birthYear;  // typical for the graduation year
  std::vector<MajorSpec> majors;
};

const std::pair<std::string, std::string> kSocialOrg = {"上海示范信息技术技能评价中心",
                                                         "52310000MJ1A2B3C9Q"};
const std::pair<std::string, std::string> kEmployer = {"上海示范汽车服务有限公司",
                                                       "91310115MA1K9Q7D84"};

std::vector<SchoolSpec> schoolSpecs(int graduationYear, std::size_t extraSchools,
                                    bool specialAbility, bool atHigher) {
  std::vector<SchoolSpec> specs = {
      {"xuhui-zz",
       "上海市示范职业技术学校",
       kSecondaryCredit,
       "SECONDARY",
       4,
       "310104",
       graduationYear - 19,
       {{"计算机应用", "计算机2401班", "social-org", "4-04-05-01", "计算机程序设计员", kSocialOrg, false},
        {"机电技术应用", "机电2401班", "qualification", "6-31-01-03", "电工", std::nullopt, false}}},
      {"pudong-gz",
       "上海示范职业技术学院",
       kHigherCredit,
       "HIGHER",
       3,
       "310115",
       graduationYear - 21,
       {{"汽车检测与维修技术", "汽修2301班", "employer", "4-12-01-01", "汽车维修工", kEmployer, true},
        {"软件技术", "软件2301班", "social-org", "4-04-05-01", "计算机程序设计员", kSocialOrg, false}}},
  };
  const MajorSpec ability{"电子商务",    "电商2401班", "special-ability", kAbilityCode,
                          kAbilityName, std::nullopt, false,             true};
  if (specialAbility) specs[0].majors.push_back(ability);
  if (atHigher) specs[1].majors.push_back(ability);
  for (std::size_t n = 2; n < extraSchools + 2; ++n) {
    SchoolSpec extra = specs[1];
    extra.id = extraSchoolId(n);
    extra.name += std::to_string(n);
    extra.credit = extraSchoolCredit(n);
    specs.push_back(extra);
  }
  return specs;
}

json schoolJson(const SchoolSpec& s, const RunWorldOptions& o, const std::filesystem::path& roster) {
  const bool secondary = s.level == "SECONDARY";
  json majors = json::array();
  for (const auto& m : s.majors) {
    if (m.ability) {  // no occupation, no level, no 专业评估 (plugins/special-ability)
      json target = {{"type", m.type}, {"abilityCode", m.occupationCode}, {"abilityName", m.occupationName}};
      majors.push_back({{"name", m.name}, {"targets", json::array({target})}});
      continue;
    }
    json target = {{"type", m.type},
                   {"occupationCode", m.occupationCode},
                   {"occupationName", m.occupationName},
                   {"level", s.targetLevel},
                   {"evaluation",
                    {{"status", "APPROVED"}, {"opinionNo", "沪职鉴评〔2026〕017号"}, {"date", "2026-05-12"}}}};
    if (m.org) target["evaluationOrg"] = {{"name", m.org->first}, {"creditCode", m.org->second}};
    if (m.employer) target["options"] = {{"agreementNo", "沪校企合〔2026〕012号"}};
    majors.push_back({{"name", m.name}, {"targets", json::array({target})}});
  }
  const std::string& key = s.id;  // keys/<id>.key and .pem
  return {{"id", s.id},
          {"name", s.name},
          {"creditCode", s.credit},
          {"level", s.level},
          {"legalRepresentative", secondary ? "王建国" : "刘志远"},
          {"district", secondary ? "徐汇区" : "浦东新区"},
          {"address", secondary ? "上海市徐汇区示范路100号" : "上海市浦东新区示范大道2000号"},
          {"leader", {{"name", secondary ? "李明华" : "孙丽华"}, {"mobile", secondary ? "13812340001" : "13611110003"}}},
          {"contact", {{"name", secondary ? "陈晓燕" : "马国强"}, {"mobile", secondary ? "13912340002" : "13722220004"}}},
          {"operator", {{"name", secondary ? "周志强" : "何静"},
                        {"idNumber", secondary ? "310104198503121235" : "310115199007182462"}}},
          {"dualCertificateProgram", secondary},
          {"identity",
           {{"key", "file:" + (o.keysDir / (key + ".key")).string()},
            {"certificate", (o.keysDir / (key + ".pem")).string()}}},
          {"majors", majors},
          {"rosters", json::array({roster.filename().string()})}};
}

}  // namespace

std::string extraSchoolId(std::size_t n) { return "pudong-gz-" + std::to_string(n); }

std::string extraSchoolCredit(std::size_t n) {
  // pudong-gz's with another district digit (the organisation code and its check stay), then
  // the GB 32100 check character.
  std::string c = std::string(kHigherCredit).substr(0, 17);
  c[7] = static_cast<char>('0' + (static_cast<std::size_t>(c[7] - '0') + n) % 10);
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20,
                                                   29, 25, 13, 8, 24, 10, 30, 28};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += static_cast<int>(kAlphabet.find(c[i])) * kWeights[i];
  return c + kAlphabet[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

void makeExtraSchoolKeys(const std::filesystem::path& keysDir, std::size_t count) {
  const auto q = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
  for (std::size_t n = 2; n < count + 2; ++n) {
    const std::string id = extraSchoolId(n);
    const auto key = keysDir / (id + ".key");
    const auto pem = keysDir / (id + ".pem");
    if (std::filesystem::exists(pem)) continue;
    const auto ext = keysDir / (id + ".ext");
    std::ofstream(ext) << "basicConstraints=critical,CA:FALSE\n"
                          "keyUsage=critical,digitalSignature,nonRepudiation\n"
                          "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                          "1.2.156.112570.11.205=ASN1:UTF8String:SHECA-PG-00000000000"
                       << n << "\n1.2.156.112570.11.210=ASN1:UTF8String:" << extraSchoolCredit(n)
                       << "\n";
    const std::string cmd =
        "set -e; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + q(key) +
        " 2>/dev/null; chmod 600 " + q(key) + "; openssl req -new -utf8 -key " + q(key) +
        " -sha256 -subj '/C=CN/O=上海示范职业技术学院" + std::to_string(n) + "/CN=上海示范职业技术学院" +
        std::to_string(n) + "' -out " + q(keysDir / (id + ".csr")) + "; openssl x509 -req -in " +
        q(keysDir / (id + ".csr")) + " -CA " + q(keysDir / "ca.pem") + " -CAkey " +
        q(keysDir / "ca.key") + " -set_serial 0x7" + std::to_string(1000 + n) +
        " -sha256 -days 730 -extfile " + q(ext) + " -out " + q(pem) + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("makeExtraSchoolKeys: openssl failed");
  }
}

std::set<std::string> RunWorld::expectedDeclarations() const {
  std::set<std::string> out;
  for (const auto& s : students) {
    if (!s.eligible) continue;
    const std::string credit = s.school == "xuhui-zz"    ? std::string(kSecondaryCredit)
                               : s.school == "pudong-gz" ? std::string(kHigherCredit)
                                                         : extraSchoolCredit(std::stoul(s.school.substr(10)));
    out.insert(std::string(credit) + "|" + s.id + "|" +
               (s.abilityCode.empty() ? s.occupationCode + "|" + std::to_string(s.level)
                                      : s.abilityCode + "|ability"));
  }
  return out;
}

std::map<std::string, std::size_t> RunWorld::expectedExclusions() const {
  std::map<std::string, std::size_t> out;
  for (const auto& s : students) {
    if (!s.eligible) ++out[s.reason];
  }
  return out;
}

RunWorld makeRunWorld(const std::filesystem::path& dir, const RunWorldOptions& o) {
  if (o.graduationYear == 0) throw std::invalid_argument("makeRunWorld: graduationYear");
  RunWorld world;
  world.dir = dir;
  world.config = dir / "zzjb.json";
  std::filesystem::create_directories(dir);
  json schools = json::array();
  std::size_t serial = 0;
  for (const auto& s : schoolSpecs(o.graduationYear, o.extraSchools, o.specialAbility,
                                         o.specialAbilityAtHigher)) {
    const auto roster = dir / (s.id + "-roster.csv");
    std::ofstream csv(roster, std::ios::binary | std::ios::trunc);
    csv << "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份,实习单位,专项能力,出生日期\n";
    for (const auto& m : s.majors) {
      std::string previousId;
      std::string previousName;
      bool previousMale = false;
      for (std::size_t i = 0; i < o.studentsPerMajor; ++i, ++serial) {
        bool male = serial % 2 == 0;
        const int month = static_cast<int>(1 + serial % 12);
        const int day = static_cast<int>(1 + serial % 28);
        ExpectedStudent e;
        e.school = s.id;
        if (m.ability) {
          e.abilityCode = m.occupationCode;
        } else {
          e.occupationCode = m.occupationCode;
          e.level = s.targetLevel;
        }
        e.id = residentId(s.area, s.birthYear, month, day, static_cast<int>(serial % 997), male);
        std::string name = nameOf(serial);
        std::string idType = "居民身份证";
        std::string birth;  // 出生日期: blank, but for a pass's or a passport's holder
        // A pass or a passport (docs/identity-documents.md): its own number, 出生日期 and 性别
        // from the roster; declared with its 证件类型.
        auto otherDocument = [&](const char* type, const char* prefix, std::size_t base) {
          char number[24];
          std::snprintf(number, sizeof number, "%s%08zu", prefix, base + serial);
          idType = type;
          e.idType = type;
          e.id = number;
          char date[16];
          std::snprintf(date, sizeof date, "%04d-%02d-%02d", s.birthYear, month, day);
          birth = date;
        };
        int year = o.graduationYear;
        std::string placement = m.employer ? kEmployer.first : "";
        std::string ability = m.ability ? m.occupationName : "";
        e.eligible = true;
        switch (i % 25) {
          case 3:  // 毕业年份 is next year's
            year = o.graduationYear + 1;
            e.eligible = false;
            e.reason = "NOT_GRADUATING";
            break;
          case 7: {  // a wrong check character: the row is a data error
            char& last = e.id.back();
            last = last == '1' ? '2' : '1';
            e.eligible = false;
            e.reason = "INVALID_DATA";
            break;
          }
          case 12:  // the row above listed again
            if (!previousId.empty()) {
              e.id = previousId;
              name = previousName;  // the same student listed twice
              male = previousMale;
              e.eligible = false;
              e.reason = "DUPLICATE";
            }
            break;
          case 5:
            otherDocument("港澳居民来往内地通行证", "H", 10000000);
            break;
          case 10:
            otherDocument("台湾居民来往大陆通行证", "", 20000000);
            break;
          case 15:
            otherDocument("护照", "E", 30000000);
            break;
          case 17:  // a 证件类型 group declaration does not take
            idType = "外国人永久居留身份证";
            e.idType = idType;
            e.eligible = false;
            e.reason = "ID_TYPE";
            break;
          case 20:  // 港澳台居民居住证 (台湾): an 18-digit number with its own area
            e.id = residentId("830000", s.birthYear, month, day, static_cast<int>(serial % 997), male);
            idType = "港澳台居民居住证";
            e.idType = idType;
            break;
          case 22:  // 证件类型 left blank: a valid ID number is declared as 居民身份证
            idType = "";
            break;
          case 21:
            if (m.employer) {
              placement = "上海另一家汽车服务有限公司";
              e.eligible = false;
              e.reason = "NOT_AT_EMPLOYER";
            }
            break;
          default:
            if (m.ability && i % 5 == 4) {  // chose another ability: expected, not a problem
              ability = "短视频制作";
              e.eligible = false;
              e.reason = "OTHER_ABILITY";
            }
            break;
        }
        char mobile[12];
        std::snprintf(mobile, sizeof mobile, "139%08zu", 10000000 + serial);
        csv << name << ',' << idType << ',' << e.id << ',' << (male ? "男" : "女") << ','
            << mobile << ',' << m.name << ',' << m.className << ',' << year << ',' << placement
            << ',' << ability << ',' << birth << '\n';
        if (e.reason != "DUPLICATE") {
          previousId = e.id;
          previousName = name;
          previousMale = male;
        }
        world.students.push_back(e);
      }
    }
    schools.push_back(schoolJson(s, o, roster));
  }
  json config = {
      {"platform", {{"baseUrl", o.baseUrl}, {"caBundle", o.caBundle.string()}, {"timeoutSeconds", 10},
                    {"maxConcurrentSchools", o.maxConcurrentSchools}, {"maxBatchRows", o.maxBatchRows},
                    {"pollIntervalMs", o.pollIntervalMs}}},
      {"state", {{"path", (dir / "state" / "zzjb.sqlite").string()}}},
      {"catalog", o.catalog.string()},
      {"trustedCAs", json::array({(o.keysDir / "ca.pem").string(), (o.keysDir / "ca-sm2.pem").string()})},
      {"schools", schools}};
  std::ofstream(world.config, std::ios::binary | std::ios::trunc) << config.dump(2) << '\n';
  return world;
}

}  // namespace zzjb::test
