// Shared by the mock platform's tests: a PKI made once with the openssl command line, a client
// that logs in and signs submissions the way the contract says, and builders for the account,
// catalog, students, xlsx uploads and multipart bodies.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform.hpp"
#include "platform_util.hpp"
#include "test_support.hpp"
#include "xlsx_builder.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::mock::test {

using nlohmann::json;
using zzjb::test::TempDir;

inline constexpr const char* kSm2School = "12310104MB2F000081";  // SECONDARY
inline constexpr const char* kRsaSchool = "12310115MB2P00007G";  // HIGHER
inline constexpr const char* kOperatorId = "11010519491231002X";
inline constexpr const char* kSocialOrg = "51310000MJ0000001A";
inline constexpr const char* kEmployerOrg = "91310000MA0000002B";
inline constexpr const char* kOccupation = "4-04-05-01";

// The admin grant of 职业资格鉴定 for kOccupation at level 4 to the SM2 school: what 市职鉴中心
// does itself (POST /__admin/permissions).
inline nlohmann::json qualificationGrant() {
  return {{"creditCode", kSm2School},
          {"matter", "职业资格鉴定"},
          {"node", nullptr},
          {"occupationCode", kOccupation},
          {"occupationName", "计算机程序设计员"},
          {"level", 4},
          {"evaluationOrg", nullptr}};
}

inline constexpr const char* kAbility = "ZX-0301";

// The centre's grant of 专项职业能力考核 for the ability kAbility (网店运营) to the SM2 school.
inline nlohmann::json abilityGrant() {
  return {{"creditCode", kSm2School},
          {"matter", "专项职业能力考核"},
          {"node", nullptr},
          {"abilityCode", kAbility},
          {"abilityName", "网店运营"}};
}

inline void sh(const std::string& command) {
  auto r = zzjb::test::run(command);
  if (r.exitCode != 0) throw std::runtime_error(command + " failed: " + r.err);
}

// Keys and certificates for every test, made once a day under $ZZJB_TEST_TMP and shared by the
// test processes ctest starts (RSA key generation would otherwise dominate the run time).
class Pki {
 public:
  static const Pki& get() {
    static Pki pki;
    return pki;
  }
  [[nodiscard]] std::string path(const std::string& file) const { return (dir_ / file).string(); }

 private:
  Pki() {
    const char* base = std::getenv("ZZJB_TEST_TMP");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
    std::filesystem::create_directories(root);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const std::string day =
        formatTime(std::chrono::duration_cast<std::chrono::seconds>(now).count()).substr(0, 10);
    const std::filesystem::path shared = root / ("mock-platform-pki-" + day);
    if (std::filesystem::exists(shared / "complete")) {
      dir_ = shared;
      return;
    }
    std::string tmpl = (root / "mock-platform-pki-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = buf.data();
    make("ca-sm2", "sm2", "", "", "", 3650);
    make("ca-ec", "ec", "", "", "", 3650);
    make("other-ca", "ec", "", "", "", 3650);
    make("school-sm2", "sm2", "ca-sm2", "SHECA-T-0001", kSm2School, 365);
    make("school-rsa", "rsa", "ca-ec", "SHECA-T-0002", kRsaSchool, 365);
    make("school-ec", "ec", "ca-ec", "SHECA-T-0003", "", 365);  // no credit code extension
    make("stranger", "ec", "other-ca", "SHECA-T-0004", kSm2School, 365);
    make("short", "ec", "ca-ec", "SHECA-T-0005", kSm2School, 1);  // valid for a day from now
    zzjb::test::writeFile(dir_ / "complete", "");
    std::error_code ec;
    std::filesystem::rename(dir_, shared, ec);
    if (!ec) {
      dir_ = shared;
    } else if (std::filesystem::exists(shared / "complete")) {  // another process was quicker
      std::filesystem::remove_all(dir_, ec);
      dir_ = shared;
    }
  }
  static std::string sigOpts(const std::string& alg) {
    return alg == "sm2" ? " -sm3 -sigopt distid:1234567812345678" : " -sha256";
  }
  void make(const std::string& name, const std::string& alg, const std::string& ca,
            const std::string& keyId, const std::string& creditCode, int days) {
    const std::string key = path(name + ".key");
    const std::string cert = path(name + ".pem");
    if (alg == "sm2")
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + key);
    if (alg == "ec")
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + key);
    if (alg == "rsa")
      sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + key);
    algs_[name] = alg;
    if (ca.empty()) {
      sh("openssl req -x509 -new -key " + key + " -subj '/CN=Test CA " + name + "' -days " +
         std::to_string(days) + sigOpts(alg) +
         " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -out " +
         cert);
      return;
    }
    std::string ext = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n";
    if (!keyId.empty()) ext += "1.2.156.112570.11.205=ASN1:UTF8String:" + keyId + "\n";
    if (!creditCode.empty()) ext += "1.2.156.112570.11.210=ASN1:UTF8String:" + creditCode + "\n";
    zzjb::test::writeFile(path(name + ".ext"), ext);
    sh("openssl req -new -key " + key + " -utf8 -subj '/CN=上海市示范职业技术学校/C=CN'" +
       sigOpts(alg) + " -out " + path(name + ".csr"));
    const std::string vfy = alg == "sm2" ? " -vfyopt distid:1234567812345678" : "";
    sh("openssl x509 -req -in " + path(name + ".csr") + " -CA " + path(ca + ".pem") + " -CAkey " +
       path(ca + ".key") + " -CAcreateserial -days " + std::to_string(days) + " -extfile " +
       path(name + ".ext") + sigOpts(algs_.at(ca)) + vfy + " -out " + cert);
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> algs_;
};

// Signs `data` with a PEM private key: SM2 with SM3 and ID 1234567812345678, else SHA-256.
// `sm2Id` false signs with OpenSSL's default (empty) ID, as a careless client would.
inline std::string signWithKey(const std::string& keyFile, const std::string& data,
                               bool sm2Id = true) {
  std::string pem = zzjb::test::readFile(keyFile);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("cannot read " + keyFile);
  const bool sm2 = EVP_PKEY_is_a(key.get(), "SM2");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit_ex(md.get(), &pctx, sm2 ? "SM3" : "SHA256", nullptr, nullptr, key.get(),
                            nullptr) != 1) {
    throw std::runtime_error("EVP_DigestSignInit_ex failed");
  }
  if (sm2 && sm2Id) EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16);
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(md.get(), nullptr, &len, in, data.size()) != 1)
    throw std::runtime_error("sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     data.size()) != 1) {
    throw std::runtime_error("sign");
  }
  sig.resize(len);
  return sig;
}

struct Identity {
  std::string name;  // school-sm2, ...
  std::string algorithm;
  std::string keyId;
  [[nodiscard]] std::string keyFile() const { return Pki::get().path(name + ".key"); }
  [[nodiscard]] std::string cert() const {
    return zzjb::test::readFile(Pki::get().path(name + ".pem"));
  }
};

inline Identity sm2School() {
  return {"school-sm2", "SM2-SM3", "SHECA-T-0001"};
}
inline Identity rsaSchool() {
  return {"school-rsa", "RSA-SHA256", "SHECA-T-0002"};
}
inline Identity ecSchool() {
  return {"school-ec", "ECDSA-SHA256", "SHECA-T-0003"};
}

inline std::string catalogJson() {
  json c{
      {"version", "2027-03"},
      {"items",
       {{{"org",
          {{"name", "上海市软件行业协会"}, {"creditCode", kSocialOrg}, {"type", "SOCIAL_ORG"}}},
         {"occupations",
          {{{"code", kOccupation}, {"name", "计算机程序设计员"}, {"levels", {3, 4, 5}}}}}},
        {{"org",
          {{"name", "上海示范汽车有限公司"}, {"creditCode", kEmployerOrg}, {"type", "EMPLOYER"}}},
         {"occupations", {{{"code", "6-22-01-01"}, {"name", "汽车装调工"}, {"levels", {4}}}}}}}}};
  return c.dump();
}

// The tests' catalog with `matters` added.
inline nlohmann::json catalogWithMatters(const nlohmann::json& matters) {
  nlohmann::json c = nlohmann::json::parse(catalogJson());
  c["matters"] = matters;
  return c;
}

struct Parsed {
  int status = 0;
  json body;
  Response raw;
};

inline Parsed parsed(const Response& r) {
  Parsed p{r.status, json::parse(r.body, nullptr, false), r};
  return p;
}

// How a test submission is signed; the defaults sign correctly.
struct Signing {
  std::string timestamp;  // empty: the mock's now
  std::string nonce;      // empty: a fresh one
  std::string keyFile;    // empty: the identity's
  std::string contentType = "application/json";
  bool sign = true;
};

// A platform with the test PKI and catalog, its clock frozen at the real time.
class MockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zzjb::test::writeFile(tmp_ / "catalog.json", catalogJson());
    options_.trustCaFiles = {Pki::get().path("ca-sm2.pem"), Pki::get().path("ca-ec.pem")};
    options_.catalogFile = (tmp_ / "catalog.json").string();
    options_.seed = 42;
    platform_ = std::make_unique<Platform>(options_);
    start_ = static_cast<Seconds>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
    ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", formatTime(start_)}}).status, 200);
  }

  Parsed raw(const std::string& method, const std::string& target, const std::string& body = "",
             std::map<std::string, std::string> headers = {}, bool loopback = true) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    for (auto& [k, v] : headers) r.headers[k] = v;
    r.loopback = loopback;
    return parsed(platform_->handle(r, "req-" + std::to_string(++requests_)));
  }
  Parsed admin(const std::string& method, const std::string& target, const json& body = nullptr) {
    return raw(method, target, body.is_null() ? "" : body.dump());
  }
  void advance(Seconds s) {
    ASSERT_EQ(admin("POST", "/__admin/clock", {{"advanceSeconds", s}}).status, 200);
  }
  [[nodiscard]] Seconds mockNow() {
    return *parseTime(admin("GET", "/__admin/clock").body["now"].get<std::string>());
  }

  Parsed challenge() { return raw("POST", "/api/v1/auth/challenge"); }
  // Logs in; `tweak` may change the login body before it is sent.
  Parsed login(const Identity& id, const std::function<void(json&)>& tweak = {}) {
    Parsed ch = challenge();
    EXPECT_EQ(ch.status, 200);
    const std::string nonce = *base64Decode(ch.body["nonce"].get<std::string>());
    json body{{"challengeId", ch.body["challengeId"]},
              {"keyId", id.keyId},
              {"certificate", id.cert()},
              {"algorithm", id.algorithm},
              {"signature", base64Encode(signWithKey(id.keyFile(), nonce))}};
    if (tweak) tweak(body);
    return raw("POST", "/api/v1/auth/login", body.dump());
  }
  void logIn(const Identity& id) {
    Parsed r = login(id);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    token_ = r.body["sessionToken"];
    identity_ = id;
  }

  Parsed get(const std::string& target) {
    return raw("GET", target, "", {{"Authorization", "Bearer " + token_}});
  }
  Parsed submit(const std::string& method, const std::string& target, const std::string& body,
                const std::string& idempotencyKey = "", const Signing& s = Signing()) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token_},
                                         {"Content-Type", s.contentType}};
    if (!idempotencyKey.empty()) h["Idempotency-Key"] = idempotencyKey;
    if (s.sign) {
      const std::string ts = s.timestamp.empty() ? formatTime(mockNow()) : s.timestamp;
      const std::string nonce =
          s.nonce.empty() ? "nonce-" + std::to_string(++nonces_) + "-abcdefghij" : s.nonce;
      std::string path = target.substr(0, target.find('?'));
      std::string payload =
          method + "\n" + path + "\n" + ts + "\n" + nonce + "\n" + sha256Hex(body);
      h["X-Zzjb-Timestamp"] = ts;
      h["X-Zzjb-Nonce"] = nonce;
      h["X-Zzjb-Signature"] =
          base64Encode(signWithKey(s.keyFile.empty() ? identity_.keyFile() : s.keyFile, payload));
    }
    return raw(method, target, body, h);
  }

  static json accountBody(const std::string& creditCode, const std::string& level,
                          const std::string& keyId) {
    return {{"schoolName", "上海市示范职业技术学校"},
            {"creditCode", creditCode},
            {"schoolLevel", level},
            {"legalRepresentative", "王校长"},
            {"district", "徐汇区"},
            {"leader", {{"name", "李副校长"}, {"mobile", "13800138000"}}},
            {"contact", {{"name", "张老师"}, {"mobile", "+86 139-0013-9000"}}},
            {"operator", {{"name", "赵老师"}, {"idNumber", kOperatorId}, {"keyId", keyId}}},
            {"dualCertificateProgram", true}};
  }
  // Logs in with the SM2 school (SECONDARY) and opens its account.
  void register_(const Identity& id = sm2School(), const std::string& creditCode = kSm2School,
                 const std::string& level = "SECONDARY") {
    logIn(id);
    Parsed r = submit("PUT", "/api/v1/account", accountBody(creditCode, level, id.keyId).dump(),
                      "acct-" + creditCode);
    ASSERT_EQ(r.status, 201) << r.raw.body;
  }
  static json socialApplication(int level = 4) {
    return {{"matter", "职业技能等级认定"},
            {"node", "社会评价组织等级认定"},
            {"occupationCode", kOccupation},
            {"occupationName", "计算机程序设计员"},
            {"level", level},
            {"evaluationOrg", {{"name", "上海市软件行业协会"}, {"creditCode", kSocialOrg}}},
            {"attachments", {{"agreement", "协议.pdf"}}}};
  }
  // Registers, applies and has the application approved (auto-approve on the first poll).
  void permitted(int level = 4) {
    register_();
    ASSERT_EQ(admin("POST", "/__admin/review-policy", {{"mode", "auto-approve"}, {"afterPolls", 1}})
                  .status,
              200);
    Parsed app = submit("POST", "/api/v1/skills/permission-applications",
                        socialApplication(level).dump(), "app-1");
    ASSERT_EQ(app.status, 202) << app.raw.body;
    ASSERT_EQ(get("/api/v1/skills/permission-applications/" +
                  app.body["applicationId"].get<std::string>())
                  .body["status"],
              "APPROVED");
  }

  [[nodiscard]] int gradYear() { return graduationYearOn(shanghaiDate(mockNow())); }

  // POST /api/v1/skills/group-declarations with this manifest and file, signed.
  Parsed upload(const json& manifest, const std::string& file, const std::string& key);

  TempDir tmp_;
  PlatformOptions options_;
  std::unique_ptr<Platform> platform_;
  Seconds start_ = 0;
  std::string token_;
  Identity identity_;
  int requests_ = 0;
  int nonces_ = 0;
};

// ---- students, xlsx and multipart
// -----------------------------------------------------------------

// A valid 居民身份证号 born on `birth` (YYYYMMDD) with sequence `seq` (0–99) and gender.
// A valid 居民身份证号: 徐汇 (310104) for seq 0–99, then the next districts' codes for each further
// hundred, so that every seq up to 999 gives its own 18 characters (an order code is two digits and
// the sex digit). Past 999 it throws: a 19-character "ID" once made a test's upload malformed.
inline std::string studentId(const std::string& birth, int seq, bool male) {
  if (seq < 0 || seq > 999) throw std::out_of_range("studentId: seq must be 0–999");
  const int district = 4 + seq / 100;
  const int order = seq % 100;
  std::string first17 = std::string("3101") + (district < 10 ? "0" : "") +
                        std::to_string(district) + birth + (order < 10 ? "0" : "") +
                        std::to_string(order) + std::to_string(male ? 1 : 2);
  return first17 + residentIdCheckChar(first17).value();
}

inline std::vector<std::string> templateHeader() {
  return {"序号",     "姓名",     "证件类型", "证件号码", "性别",
          "出生日期", "手机号码", "文化程度", "考生来源", "专业",
          "班级",     "毕业年份", "职业名称", "职业编码", "申报等级"};
}

// One student row of the template: a valid, graduating, level-4 male student.
inline std::vector<std::string> studentRow(int n, const std::string& id, int year) {
  return {std::to_string(n),
          "学生" + std::to_string(n),
          "居民身份证",
          id,
          "男",
          "2009-03-15",
          "13800138000",
          "中专",
          "应届",
          "软件与信息服务",
          "软件2401",
          std::to_string(year),
          "计算机程序设计员",
          kOccupation,
          "4"};
}

inline std::string columnName(std::size_t i) {
  std::string s;
  for (std::size_t n = i + 1; n > 0; n = (n - 1) / 26)
    s.insert(s.begin(), static_cast<char>('A' + (n - 1) % 26));
  return s;
}

inline std::string xmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// The bytes of a one-sheet xlsx with these rows (inline strings).
inline std::string xlsxBytes(const TempDir& tmp,
                             const std::vector<std::vector<std::string>>& rows) {
  std::string xml;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string rn = std::to_string(r + 1);
    xml += "<row r=\"" + rn + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      xml += "<c r=\"" + columnName(c) + rn + "\" t=\"inlineStr\"><is><t>" + xmlEscape(rows[r][c]) +
             "</t></is></c>";
    }
    xml += "</row>";
  }
  static int counter = 0;
  auto file = tmp / ("upload-" + std::to_string(++counter) + ".xlsx");
  zzjb::test::writeZip(file, zzjb::test::simpleXlsx(xml));
  return zzjb::test::readFile(file);
}

inline const char* kBoundary = "----zzjbFormBoundary7MA4YWxkTrZu0gW";

inline std::string multipart(const json& manifest, const std::string& file) {
  std::string b = kBoundary;
  return "--" + b +
         "\r\nContent-Disposition: form-data; name=\"manifest\"\r\n"
         "Content-Type: application/json\r\n\r\n" +
         manifest.dump() + "\r\n--" + b +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"students.xlsx\"\r\n"
         "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n" +
         file + "\r\n--" + b + "--\r\n";
}

// Row 1 of an ability's sheet (专项职业能力考核): 14 columns, no 申报等级.
inline std::vector<std::string> abilityTemplateHeader() {
  return {"序号",     "姓名",     "证件类型",     "证件号码",    "性别",
          "出生日期", "手机号码", "文化程度",     "考生来源",    "专业",
          "班级",     "毕业年份", "专项能力名称", "专项能力编码"};
}

// One student row of an ability's sheet: a valid, graduating male student declared for `code`.
inline std::vector<std::string> abilityStudentRow(int n, const std::string& id, int year,
                                                  const std::string& code = kAbility) {
  auto row = studentRow(n, id, year);
  row.resize(12);
  row.push_back("网店运营");
  row.push_back(code);
  return row;
}

// The manifest of an ability's batch (no occupation, no level).
inline json abilityManifestFor(const std::string& file, std::size_t rows,
                               const std::string& code = kAbility) {
  return {{"matter", "专项职业能力考核"}, {"node", nullptr},           {"evaluationOrg", nullptr},
          {"abilityCode", code},          {"abilityName", "网店运营"}, {"rowCount", rows},
          {"sha256", sha256Hex(file)}};
}

inline Parsed MockTest::upload(const json& manifest, const std::string& file,
                               const std::string& key) {
  Signing s;
  s.contentType = std::string("multipart/form-data; boundary=") + kBoundary;
  return submit("POST", "/api/v1/skills/group-declarations", multipart(manifest, file), key, s);
}

inline json manifestFor(const std::string& file, std::size_t rows, int level = 4) {
  return {{"matter", "职业技能等级认定"},
          {"node", "社会评价组织等级认定"},
          {"occupationCode", kOccupation},
          {"occupationName", "计算机程序设计员"},
          {"level", level},
          {"evaluationOrg", {{"name", "上海市软件行业协会"}, {"creditCode", kSocialOrg}}},
          {"rowCount", rows},
          {"sha256", sha256Hex(file)}};
}

}  // namespace zzjb::mock::test
