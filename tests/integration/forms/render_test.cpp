// Renders 附件1 and 附件2 of a 中职 and a 高职 school with headless Chromium, to PDF and to PNG,
// and reads them back: pdftotext must find the title, labels and values, pdffonts a CJK font
// embedded, the PNG must be the requested size and look like a form (dark table rules), and
// tesseract (chi_sim) must recognise the large titles. Exit code 77 (CTest: skipped) when
// Chromium is not installed. ZZJB_FORMS_OUT=DIR keeps the rendered files in DIR. CTest runs
// each form (and each school of the CLI cases) as its own test, with --gtest_filter
// (CMakeLists.txt): the renders are shared by the cases of one form only.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#ifdef ZZJB_CLI
#include <nlohmann/json.hpp>
#endif
#include "zzjb/core/forms.hpp"

namespace zzjb {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::run;
using test::shellQuote;

constexpr int kWidth = 1240;  // A4 at 150 dpi
constexpr int kHeight = 1754;
const Date kToday{2026, 11, 27};

std::string chromium() {
  const char* env = std::getenv("ZZJB_CHROMIUM");
  return env != nullptr ? env : "chromium";
}

bool haveProgram(const std::string& name) {
  return run("command -v " + shellQuote(name)).exitCode == 0;
}

Target target(std::string occupation, int level) {
  Target t;
  t.type = "social-org";
  t.occupationName = std::move(occupation);
  t.level = level;
  return t;
}

Major major(std::string name, std::vector<Target> targets) {
  Major m;
  m.name = std::move(name);
  m.targets = std::move(targets);
  return m;
}

School secondarySchool() {
  School s;
  s.id = "fengjing-zz";
  s.name = "上海市枫泾示例职业学校";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "金山区";
  s.address = "上海市金山区枫泾镇示例路100号";
  s.leader = {"李文华", "13800138000"};
  s.contact = {"张晓梅", "13900139000"};
  s.platformOperator = {"赵立新", "310104198503124620"};
  s.dualCertificateProgram = true;
  s.majors = {
      major("计算机应用", {target("计算机程序设计员", 4), target("网络与信息安全管理员", 4)}),
      major("电子商务", {target("电子商务师", 4), target("计算机程序设计员", 4)}),
      major("中餐烹饪", {target("中式烹调师", 4)})};
  return s;
}

School higherSchool() {
  School s;
  s.id = "binjiang-gz";
  s.name = "上海滨江示例职业技术学院";
  s.level = SchoolLevel::Higher;
  s.legalRepresentative = "陈志强";
  s.district = "浦东新区";
  s.address = "上海市浦东新区示例大道2000号";
  s.leader = {"周振华", "13700137000"};
  s.contact = {"吴佳怡", "13600136000"};
  s.platformOperator = {"孙浩然", "310112199207083515"};
  s.dualCertificateProgram = false;
  s.identity.key = "pkcs11:token=binjiang";  // a key, whose keyID the pen fills in
  s.majors = {major("汽车检测与维修技术", {target("汽车维修工", 3)}),
              major("智能制造装备技术", {target("工业机器人系统运维员", 3), target("电工", 3)})};
  return s;
}

struct Form {
  std::string name;  // file stem
  std::string html;
  std::vector<std::string> pdfText;   // must all be in pdftotext's output (spaces removed)
  std::vector<std::string> ocrLarge;  // title and notes: must all be recognised
  std::vector<std::string> ocrCells;  // small print inside the table: two or more
  // Long forms: what each page must hold, in order (one entry per page), and what a page must not
  // hold; empty: one page.
  std::vector<std::vector<std::string>> pages = {};
  std::vector<std::vector<std::string>> notOnPage = {};
};

// On screen only: the program's box above each form must never reach the paper.
const std::vector<std::string>& screenOnly() {
  static const std::vector<std::string> v = {"送交（提示，不属于表格内容）", "市教委教研室",
                                             "市教委职教处", "月受理"};
  return v;
}

std::vector<std::string> evaluationLabels() {
  return {"附件1",
          "职业技能评价专业评估申请表",
          "申请学校名称",
          "法人代表",
          "负责人(分管领导)",
          "联系方式",
          "联系人",
          "联系地址",
          "申请专业及申报职业(工种)",
          "序号",
          "申请专业名称",
          "申报职业(工种)名称",
          "等级",
          "申请学校意见",
          "说明",
          "一式三份"};
}

std::vector<std::string> accountLabels() {
  return {"附件2",
          "上海市人力资源和社会保障自助经办平台职业技能评价",
          "团体申报开户申请表（学校）",
          "学校名称",
          "法人代表",
          "所属区",
          "负责人(分管领导)",
          "联系方式",
          "(手机)",
          "联系人",
          "平台操作人员姓名",
          "平台操作人员身份证号",
          "对应的经办人keyID",
          "是否双证融通项目",
          "申请的职业(工种)及等级",
          "职业(工种)名称",
          "申报单位意见",
          "经办人:",
          "申报单位(盖章):",
          "日期:",
          "天山路1800号4号楼1楼窗口"};
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A 中职 school with 12 targets on 附件1: the notice's 8 rows on page 1, 4 more on page 2 under the
// title and headers again, with the opinion, seal and notes.
Form longEvaluation() {
  School s = secondarySchool();
  s.majors.clear();
  std::vector<Target> targets;
  for (int i = 1; i <= 12; ++i) targets.push_back(target("示例职业" + std::to_string(i) + "号", 4));
  s.majors = {major("数字媒体技术应用", targets)};
  Form f{"evaluation-long", renderEvaluationApplication(s, kToday),
         joined(evaluationLabels(), {"1数字媒体技术应用示例职业1号四级/中级工",
                                     "12数字媒体技术应用示例职业12号四级/中级工"}),
         {"职业技能评价专业评估申请表"},
         {"申请学校名称", "联系地址", "示例职业1号", "四级/中级工", "上海市枫泾示例职业学校"}};
  f.pages = {{"附件1", "职业技能评价专业评估申请表", "申请学校名称上海市枫泾示例职业学校", "序号申请专业名称",
              "8数字媒体技术应用示例职业8号四级/中级工", "续表见下页"},
             {"附件1", "职业技能评价专业评估申请表（续表）", "序号申请专业名称申报职业(工种)名称等级",
              "9数字媒体技术应用示例职业9号四级/中级工", "12数字媒体技术应用示例职业12号四级/中级工",
              "申请学校意见", "盖章:日期:", "说明:", "申请材料一式三份并加盖学校公章"}};
  f.notOnPage = {{"示例职业9号", "申请学校意见", "说明:"}, {"申请学校名称", "示例职业8号"}};
  return f;
}

// A school without a CA key, with 25 (occupation, level) pairs on 附件2: 9 on page 1, 16 on page 2
// under the title and headers again, with the 申报单位意见, the signatures and the notes.
Form longAccount() {
  School s = secondarySchool();
  std::vector<Target> targets;
  for (int i = 1; i <= 25; ++i) targets.push_back(target("示例职业" + std::to_string(i) + "号", 4));
  s.majors = {major("数字媒体技术应用", targets)};
  Form f{"account-long", renderAccountApplication(s, ""),
         joined(accountLabels(), {"示例职业1号四级/中级工", "示例职业25号四级/中级工"}),
         {"团体申报开户申请表"},
         {"学校名称", "平台操作人员姓名", "示例职业1号", "四级/中级工", "上海市枫泾示例职业学校"}};
  f.pages = {{"附件2", "团体申报开户申请表（学校）", "学校名称上海市枫泾示例职业学校",
              "尚未办理法人一证通", "申请的职业(工种)及等级职业(工种)名称等级",
              "示例职业9号四级/中级工", "续表见下页"},
             {"附件2", "团体申报开户申请表（学校）（续表）", "申请的职业(工种)及等级职业(工种)名称等级",
              "示例职业10号四级/中级工", "示例职业25号四级/中级工", "申报单位意见", "经办人:",
              "申报单位(盖章):", "天山路1800号4号楼1楼窗口"}};
  f.notOnPage = {{"示例职业10号", "申报单位意见", "天山路1800号"}, {"学校名称上海", "示例职业9号四级"}};
  return f;
}

const std::vector<Form>& forms() {
  static const std::vector<Form> all = [] {
    const School zz = secondarySchool();
    const School gz = higherSchool();
    std::vector<Form> v;
    v.push_back(
        {"evaluation-secondary",
         renderEvaluationApplication(zz, kToday),
         joined(evaluationLabels(),
                {"盖章:", "上海市枫泾示例职业学校", "王建国", "李文华", "13800138000", "张晓梅",
                 "13900139000", "上海市金山区枫泾镇示例路100号", "计算机应用", "计算机程序设计员",
                 "网络与信息安全管理员", "电子商务师", "中式烹调师", "四级/中级工",
                 // whole rows, as pdftotext -raw reads them: values beside their labels
                 "申请学校名称上海市枫泾示例职业学校法人代表王建国",
                 "联系人张晓梅联系方式13900139000", "联系地址上海市金山区枫泾镇示例路100号",
                 "3电子商务电子商务师四级/中级工", "5中餐烹饪中式烹调师四级/中级工"}),
         {"职业技能评价专业评估申请表", "申请材料一式三份并加盖学校公章"},
         {"申请学校名称", "联系地址", "申请学校意见", "计算机程序设计员", "四级/中级工",
          "上海市枫泾示例职业学校"}});
    v.push_back({"account-secondary",
                 renderAccountApplication(zz, "SHECA2E5F7A9C31B04D22"),
                 joined(accountLabels(),
                        {"上海市枫泾示例职业学校", "金山区", "赵立新", "310104198503124620",
                         "SHECA2E5F7A9C31B04D22", "计算机程序设计员", "中式烹调师", "四级/中级工",
                         "学校名称上海市枫泾示例职业学校法人代表王建国所属区金山区",
                         "联系人张晓梅联系方式(手机)13900139000", "平台操作人员姓名赵立新",
                         "身份证号310104198503124620", "双证融通项目是",
                         "计算机程序设计员四级/中级工", "中式烹调师四级/中级工"}),
                 {"自助经办平台职业技能评价", "团体申报开户申请表", "天山路1800号4号楼1楼窗口"},
                 {"职业(工种)名称", "平台操作人员姓名", "申报单位", "计算机程序设计员", "学校名称",
                  "上海市枫泾示例职业学校"}});
    v.push_back({"evaluation-higher",
                 renderEvaluationApplication(gz, kToday),
                 joined(evaluationLabels(),
                        {"上海滨江示例职业技术学院", "陈志强", "汽车检测与维修技术", "汽车维修工",
                         "工业机器人系统运维员", "三级/高级工", "申请学校意见盖章日期说明",
                         "3智能制造装备技术电工三级/高级工"}),
                 {"职业技能评价专业评估申请表", "申请材料一式三份并加盖学校公章"},
                 {"申请学校名称", "联系地址", "申请学校意见", "汽车维修工", "三级/高级工",
                  "上海滨江示例职业技术学院"}});
    v.push_back({"account-higher",
                 renderAccountApplication(gz, ""),
                 joined(accountLabels(),
                        {"上海滨江示例职业技术学院", "浦东新区", "孙浩然", "310112199207083515",
                         "汽车维修工", "电工", "三级/高级工",
                         "对应的经办人keyID是否双证融通项目否",  // no keyID: nothing in between
                         "工业机器人系统运维员三级/高级工"}),
                 {"自助经办平台职业技能评价", "团体申报开户申请表", "天山路1800号4号楼1楼窗口"},
                 {"职业(工种)名称", "平台操作人员姓名", "申报单位", "汽车维修工", "学校名称",
                  "上海滨江示例职业技术学院"}});
    v.push_back(longEvaluation());
    v.push_back(longAccount());
    return v;
  }();
  return all;
}

std::string joinedText(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Removes ASCII and ideographic whitespace, and reads full-width parentheses and colons as
// half-width ones, so that text extracted from a table compares with a label.
std::string squeeze(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto at = [&](std::string_view u) { return s.compare(i, u.size(), u) == 0; };
    if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f') continue;
    if (at("\u3000")) {
      i += 2;
      continue;
    }
    if (at("（")) {
      out += '(';
      i += 2;
      continue;
    }
    if (at("）")) {
      out += ')';
      i += 2;
      continue;
    }
    if (at("：")) {
      out += ':';
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

class Renderer {
 public:
  Renderer() {
    if (const char* keep = std::getenv("ZZJB_FORMS_OUT")) {
      dir_ = keep;
      fs::create_directories(dir_);
    } else {
      scratch_ = std::make_unique<test::TempDir>();
      dir_ = scratch_->path();
    }
  }
  [[nodiscard]] const fs::path& dir() const { return dir_; }

  // Runs Chromium on `html` with `args`, each time with a fresh profile; retries once.
  std::string chrome(const fs::path& html, const std::string& args, const fs::path& out) {
    std::string log;
    for (int attempt = 0; attempt < 2; ++attempt) {
      // The pid too: the CTest tests of the forms share ZZJB_FORMS_OUT when it is set.
      const fs::path profile =
          dir_ / ("profile-" + std::to_string(getpid()) + "-" + std::to_string(profiles_++));
      fs::create_directories(profile);
      const std::string cmd = "timeout 60 " + shellQuote(chromium()) +
                              " --headless --no-sandbox --disable-gpu --disable-quic"
                              " --no-first-run --disable-background-networking"
                              " --disable-component-update --disable-sync"
                              " --user-data-dir=" +
                              shellQuote(profile.string()) + " " + args + " " +
                              shellQuote("file://" + fs::absolute(html).string());
      fs::remove(out);
      const test::RunResult r = run(cmd);
      std::error_code ec;
      fs::remove_all(profile, ec);
      if (r.exitCode == 0 && fs::exists(out) && fs::file_size(out) > 0) return {};
      log += "attempt " + std::to_string(attempt + 1) + ": exit " + std::to_string(r.exitCode) +
             "\n" + r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
    }
    return log;
  }

  struct Files {
    fs::path html, pdf, png, png2x;
    std::string error;
  };

  // The PDF always; the two screenshots (1x, 2x) unless `screenshots` is false (the CLI cases
  // check the PDF only).
  const Files& render(const Form& form, bool screenshots = true) {
    auto it = done_.find(form.name);
    if (it != done_.end()) return it->second;
    Files f;
    f.html = dir_ / (form.name + ".html");
    f.pdf = dir_ / (form.name + ".pdf");
    f.png = dir_ / (form.name + ".png");
    f.png2x = dir_ / (form.name + "@2x.png");
    test::writeFile(f.html, form.html);
    f.error += chrome(f.html, "--no-pdf-header-footer --print-to-pdf=" + shellQuote(f.pdf), f.pdf);
    if (!screenshots) return done_.emplace(form.name, std::move(f)).first->second;
    const std::string size =
        " --window-size=" + std::to_string(kWidth) + "," + std::to_string(kHeight);
    f.error += chrome(f.html, "--screenshot=" + shellQuote(f.png) + size, f.png);
    f.error +=
        chrome(f.html, "--force-device-scale-factor=2 --screenshot=" + shellQuote(f.png2x) + size,
               f.png2x);
    return done_.emplace(form.name, std::move(f)).first->second;
  }

 private:
  std::unique_ptr<test::TempDir> scratch_;
  fs::path dir_;
  int profiles_ = 0;
  std::map<std::string, Files> done_;
};

Renderer& renderer() {
  static Renderer r;
  return r;
}

// A decoded 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes), as grey levels.
struct Grey {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
  std::string error;
  [[nodiscard]] std::uint8_t at(int x, int y) const {
    return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                  static_cast<std::size_t>(x)];
  }
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

Grey decodePng(const std::string& file) {
  Grey g;
  if (file.size() < 33 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0)
    return {0, 0, {}, "not a PNG"};
  std::string idat;
  int channels = 0;
  for (std::size_t p = 8; p + 12 <= file.size();) {
    const std::uint32_t len = be32(file, p);
    const std::string type = file.substr(p + 4, 4);
    if (type == "IHDR") {
      g.width = static_cast<int>(be32(file, p + 8));
      g.height = static_cast<int>(be32(file, p + 12));
      const int depth = static_cast<std::uint8_t>(file[p + 16]);
      const int colour = static_cast<std::uint8_t>(file[p + 17]);
      const int interlace = static_cast<std::uint8_t>(file[p + 20]);
      channels = colour == 2 ? 3 : colour == 6 ? 4 : 0;
      if (depth != 8 || channels == 0 || interlace != 0) return {0, 0, {}, "unsupported PNG"};
    } else if (type == "IDAT") {
      idat += file.substr(p + 8, len);
    }
    p += 12 + len;
  }
  const std::size_t stride = static_cast<std::size_t>(g.width) * static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> raw((stride + 1) * static_cast<std::size_t>(g.height));
  uLongf rawSize = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &rawSize, reinterpret_cast<const Bytef*>(idat.data()),
                 static_cast<uLong>(idat.size())) != Z_OK ||
      rawSize != raw.size())
    return {0, 0, {}, "cannot inflate PNG"};
  std::vector<std::uint8_t> prev(stride, 0), cur(stride);
  const auto bpp = static_cast<std::size_t>(channels);
  g.pixels.reserve(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height));
  for (std::size_t y = 0; y < static_cast<std::size_t>(g.height); ++y) {
    const std::uint8_t* line = raw.data() + y * (stride + 1);
    const int filter = line[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? cur[i - bpp] : 0;
      const int b = prev[i];
      const int c = i >= bpp ? prev[i - bpp] : 0;
      int predictor = 0;
      switch (filter) {
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4: {
          const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          break;
      }
      cur[i] = static_cast<std::uint8_t>((line[1 + i] + predictor) & 0xff);
    }
    for (std::size_t x = 0; x < stride; x += bpp)
      g.pixels.push_back(static_cast<std::uint8_t>((cur[x] + cur[x + 1] + cur[x + 2]) / 3));
    std::swap(prev, cur);
  }
  return g;
}

void expectA4Pages(const fs::path& pdf, std::size_t pages) {
  const test::RunResult info = run("pdfinfo " + shellQuote(pdf.string()));
  ASSERT_EQ(info.exitCode, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "Pages:           " + std::to_string(pages) + "\n")) << info.out;
  EXPECT_TRUE(contains(info.out, "(A4)")) << info.out;
}

void expectOneA4Page(const fs::path& pdf) { expectA4Pages(pdf, 1); }

// One page's text, as pdftotext -raw reads it, squeezed.
std::string pageText(const fs::path& pdf, std::size_t page) {
  const std::string n = std::to_string(page);
  const test::RunResult text = run("pdftotext -raw -enc UTF-8 -f " + n + " -l " + n + " " +
                                   shellQuote(pdf.string()) + " -");
  EXPECT_EQ(text.exitCode, 0) << text.err;
  return squeeze(text.out);
}

// How far down page 1 its lowest text reaches, as a share of the page's height (pdftotext -bbox).
double firstPageFilled(const fs::path& pdf) {
  const test::RunResult box =
      run("pdftotext -bbox -f 1 -l 1 " + shellQuote(pdf.string()) + " -");
  EXPECT_EQ(box.exitCode, 0) << box.err;
  auto number = [&](std::size_t from, const std::string& attr) {
    const std::size_t at = box.out.find(attr + "=\"", from);
    return at == std::string::npos ? -1.0 : std::stod(box.out.substr(at + attr.size() + 2));
  };
  const double height = number(box.out.find("<page"), "height");
  double lowest = 0;
  for (std::size_t w = box.out.find("<word"); w != std::string::npos; w = box.out.find("<word", w + 1))
    lowest = std::max(lowest, number(w, "yMax"));
  return height > 0 ? lowest / height : 0;
}

// pdftotext -raw keeps Chromium's drawing order, cell by cell, row by row.
void expectPdfText(const fs::path& pdf, const std::vector<std::string>& wanted) {
  const test::RunResult text = run("pdftotext -raw -enc UTF-8 " + shellQuote(pdf.string()) + " -");
  ASSERT_EQ(text.exitCode, 0) << text.err;
  const std::string got = squeeze(text.out);
  for (const std::string& want : wanted)
    EXPECT_TRUE(contains(got, squeeze(want))) << want << "\n--- pdftotext:\n" << text.out;
}

void expectCjkFontEmbedded(const fs::path& pdf) {
  const test::RunResult fonts = run("pdffonts " + shellQuote(pdf.string()));
  ASSERT_EQ(fonts.exitCode, 0) << fonts.err;
  bool cjk = false;
  for (const std::string& line : test::lines(fonts.out)) {
    const bool family = contains(line, "WenQuanYi") || contains(line, "NotoSansCJK") ||
                        contains(line, "NotoSerifCJK") || contains(line, "SourceHan") ||
                        contains(line, "DroidSansFallback") || contains(line, "ARPL");
    // Columns: name type encoding emb sub uni; the first word after the encoding is "emb".
    const auto ident = line.find("Identity-H");
    if (!family || ident == std::string::npos) continue;
    const auto emb = line.find_first_not_of(' ', ident + 10);
    if (emb != std::string::npos && line.compare(emb, 3, "yes") == 0) cjk = true;
  }
  EXPECT_TRUE(cjk) << "no embedded CJK font:\n" << fonts.out;
}

class FormsRender : public ::testing::TestWithParam<std::size_t> {
 protected:
  const Form& form() const { return forms()[GetParam()]; }
  const Renderer::Files& files() {
    const Renderer::Files& f = renderer().render(form());
    EXPECT_EQ(f.error, "") << "chromium failed";
    return f;
  }
};

TEST_P(FormsRender, PdfHasItsA4Pages) {
  expectA4Pages(files().pdf, std::max<std::size_t>(1, form().pages.size()));
}

// Long forms: the notice's rows on a full first page, the rest on following pages with the title
// and headers again, the closing block (opinion, seal, signatures, notes) whole on the last page.
TEST_P(FormsRender, EachPageHoldsWhatItShould) {
  const auto& f = files();
  for (std::size_t p = 0; p < form().pages.size(); ++p) {
    const std::string got = pageText(f.pdf, p + 1);
    for (const std::string& want : form().pages[p])
      EXPECT_TRUE(contains(got, squeeze(want))) << "page " << p + 1 << ": " << want << "\n" << got;
    if (p < form().notOnPage.size()) {
      for (const std::string& not_ : form().notOnPage[p])
        EXPECT_FALSE(contains(got, squeeze(not_))) << "page " << p + 1 << ": " << not_ << "\n" << got;
    }
  }
  if (form().pages.size() > 1) {
    EXPECT_GT(firstPageFilled(f.pdf), 0.55) << "the first page is half empty";
  }
}

TEST_P(FormsRender, TheScreenOnlyBoxIsOnScreenNotOnPaper) {
  const auto& f = files();
  EXPECT_TRUE(contains(form().html, "data-note=\"submit\""));
  const test::RunResult text = run("pdftotext -raw -enc UTF-8 " + shellQuote(f.pdf.string()) + " -");
  ASSERT_EQ(text.exitCode, 0) << text.err;
  for (const std::string& box : screenOnly())
    EXPECT_FALSE(contains(squeeze(text.out), squeeze(box))) << box << "\n" << text.out;
}

TEST_P(FormsRender, PdfTextHasTitleLabelsAndValues) {
  expectPdfText(files().pdf, form().pdfText);
}

TEST_P(FormsRender, PdfEmbedsACjkFont) {
  expectCjkFontEmbedded(files().pdf);
}

TEST_P(FormsRender, PngIsAFormOfTheRequestedSize) {
  const auto& f = files();
  const Grey g = decodePng(test::readFile(f.png));
  ASSERT_EQ(g.error, "");
  EXPECT_EQ(g.width, kWidth);
  EXPECT_EQ(g.height, kHeight);
  std::size_t dark = 0;
  for (std::uint8_t v : g.pixels) dark += v < 128 ? 1 : 0;
  const double share = static_cast<double>(dark) / static_cast<double>(g.pixels.size());
  EXPECT_GT(share, 0.005) << "almost blank";
  EXPECT_LT(share, 0.25) << "almost black";
  // Table rules: rows of the image with a dark run at least 40% of the width long.
  int rules = 0;
  for (int y = 0; y < g.height; ++y) {
    int run = 0, longest = 0;
    for (int x = 0; x < g.width; ++x) {
      run = g.at(x, y) < 128 ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    if (longest >= g.width * 2 / 5) ++rules;
  }
  EXPECT_GE(rules, 12) << "expected the horizontal rules of a table";
}

TEST_P(FormsRender, OcrReadsTheScreenshot) {
  const auto& f = files();
  if (!haveProgram("tesseract")) FAIL() << "tesseract missing: scripts/deps.sh test installs it";
  const test::RunResult ocr = run("tesseract " + shellQuote(f.png2x.string()) + " - -l chi_sim");
  ASSERT_EQ(ocr.exitCode, 0) << ocr.err;
  const std::string got = squeeze(ocr.out);
  for (const std::string& want : form().ocrLarge)
    EXPECT_TRUE(contains(got, squeeze(want))) << want << "\n--- tesseract:\n" << ocr.out;
  // Small print between table rules is where OCR garbles a cell now and then (a 12-character
  // school name next to a border, say): ask for some of these only, so that the check shows the
  // table is legible without depending on tesseract's luck with one particular cell.
  std::vector<std::string> recognised;
  for (const std::string& want : form().ocrCells)
    if (contains(got, squeeze(want))) recognised.push_back(want);
  EXPECT_GE(recognised.size(), 2u)
      << "recognised only: " << joinedText(recognised) << "\n--- tesseract:\n"
      << ocr.out;
}

INSTANTIATE_TEST_SUITE_P(Forms, FormsRender, ::testing::Range<std::size_t>(0, 6),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                           std::string n = forms()[p.param].name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

#ifdef ZZJB_CLI
// The real command line on the example configuration: `zzjb forms` writes both files, and they
// render to one A4 page each with the configuration's values in their cells.
class CliForms : public ::testing::TestWithParam<const char*> {};

TEST_P(CliForms, WritesBothFormsWithTheConfigValues) {
  const std::string id = GetParam();
  const fs::path config = fs::path(ZZJB_SOURCE_DIR) / "config" / "zzjb.example.json";
  const nlohmann::json doc = nlohmann::json::parse(test::readFile(config));
  const nlohmann::json* school = nullptr;
  for (const nlohmann::json& s : doc.at("schools"))
    if (s.at("id") == id) school = &s;
  ASSERT_NE(school, nullptr) << id << " is not in " << config;

  const fs::path out = renderer().dir() / ("cli-" + id);
  const test::RunResult r =
      run(shellQuote(ZZJB_CLI) + " forms -c " + shellQuote(config.string()) + " --school " +
          shellQuote(id) + " -o " + shellQuote(out.string()) + " --today 2026-11-27 --all");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  std::string evaluation, account;
  for (const fs::directory_entry& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".html") continue;
    const std::string html = test::readFile(e.path());
    if (contains(html, "<h1>职业技能评价专业评估申请表</h1>")) evaluation = html;
    if (contains(html, "团体申报开户申请表")) account = html;
  }
  ASSERT_FALSE(evaluation.empty()) << "no 附件1 in " << out;
  ASSERT_FALSE(account.empty()) << "no 附件2 in " << out;

  const SchoolLevel level =
      school->at("level") == "HIGHER" ? SchoolLevel::Higher : SchoolLevel::Secondary;
  std::vector<std::string> both = {school->at("name").get<std::string>(),
                                   school->at("legalRepresentative").get<std::string>(),
                                   school->at("leader").at("name").get<std::string>(),
                                   school->at("contact").at("name").get<std::string>()};
  std::vector<std::string> first = joined(evaluationLabels(), both);
  std::vector<std::string> second = joined(accountLabels(), both);
  // The office and the window are in the box above the form, on screen only.
  EXPECT_TRUE(contains(evaluation, evaluationOfficeFor(level).shortName));
  EXPECT_TRUE(contains(evaluation, "2027年4月受理"));
  second.push_back(school->at("district").get<std::string>());
  second.push_back(school->at("operator").at("idNumber").get<std::string>());
  second.push_back(std::string("双证融通项目") +
                   (school->at("dualCertificateProgram").get<bool>() ? "是" : "否"));
  for (const nlohmann::json& m : school->at("majors")) {
    first.push_back(m.at("name").get<std::string>());
    for (const nlohmann::json& t : m.at("targets")) {
      if (t.contains("abilityName")) {
        // A special ability: on 附件2 by its name, with no level; not on 附件1 (no 专业评估).
        second.push_back(t.at("abilityName").get<std::string>());
        continue;
      }
      const std::string row =
          t.at("occupationName").get<std::string>() + levelName(t.at("level").get<int>());
      first.push_back(m.at("name").get<std::string>() + row);
      second.push_back(row);
    }
  }
  for (const Form& form : {Form{"cli-" + id + "-evaluation", evaluation, first, {}, {}},
                           Form{"cli-" + id + "-account", account, second, {}, {}}}) {
    SCOPED_TRACE(form.name);
    const Renderer::Files& f = renderer().render(form, /*screenshots=*/false);
    ASSERT_EQ(f.error, "") << "chromium failed";
    expectOneA4Page(f.pdf);
    expectPdfText(f.pdf, form.pdfText);
    expectCjkFontEmbedded(f.pdf);
  }
}

INSTANTIATE_TEST_SUITE_P(ExampleConfig, CliForms, ::testing::Values("xuhui-zz", "pudong-gz"),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           std::string n = p.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });
#endif

}  // namespace
}  // namespace zzjb

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Listing needs no Chromium (tests/integration/forms/cases_test.sh lists the cases anywhere).
  if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
  if (!zzjb::haveProgram(zzjb::chromium())) {
    std::printf("SKIPPED: %s not found; scripts/deps.sh test installs chromium\n",
                zzjb::chromium().c_str());
    return 77;
  }
  return RUN_ALL_TESTS();
}
