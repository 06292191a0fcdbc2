// Reading a command's output as a clerk would (issue 13, docs/messages.md): English sentences in
// what should be Chinese, and Chinese in what should be English.
#pragma once

#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb::test {

// Runs of two or more English words in `text`, each with its line: what a Chinese reader would
// find untranslated. A word is two or more letters, lower-case or capitalised; ALL-CAPS codes,
// options (--lang), paths and file names (a/b, x.json), key=value fields, and the names in
// `allowed` (product names: zzjb, zzjb-mock …) are not words.
inline std::vector<std::string> englishRuns(const std::string& text,
                                            const std::set<std::string>& allowed = {}) {
  std::vector<std::string> runs;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string run;
    int words = 0;
    auto flush = [&] {
      if (words >= 2) runs.push_back(run + "    ← " + line);
      run.clear();
      words = 0;
    };
    std::string tok;
    std::istringstream in(line);
    while (in >> tok) {
      std::string_view w = tok;
      while (!w.empty() && std::string_view(",.:;!?)]\"'").find(w.back()) != std::string_view::npos) {
        w.remove_suffix(1);
      }
      while (!w.empty() && std::string_view("([\"'").find(w.front()) != std::string_view::npos) {
        w.remove_prefix(1);
      }
      bool word = w.size() >= 2 && std::isalpha(static_cast<unsigned char>(w[0])) != 0 &&
                  !allowed.contains(std::string(w));
      for (std::size_t i = 1; word && i < w.size(); ++i) {
        word = std::islower(static_cast<unsigned char>(w[i])) != 0;
      }
      if (word) {
        run += (run.empty() ? "" : " ") + std::string(w);
        ++words;
      } else {
        flush();
      }
    }
    flush();
  }
  return runs;
}

// Runs of Chinese characters in `text` that are not inside one of the `allowed` strings (names,
// the notices' proper terms, the data itself), each with its line.
inline std::vector<std::string> chineseRuns(const std::string& text,
                                            const std::vector<std::string>& allowed = {}) {
  std::vector<std::string> runs;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string rest = line;
    for (const auto& a : allowed) {
      for (auto pos = rest.find(a); !a.empty() && pos != std::string::npos; pos = rest.find(a)) {
        rest.replace(pos, a.size(), " ");
      }
    }
    std::string run;
    for (std::size_t i = 0; i < rest.size();) {
      const auto b = static_cast<unsigned char>(rest[i]);
      if (b >= 0xE3 && b <= 0xE9 && i + 2 < rest.size()) {  // U+3000–U+9FFF (CJK and its punctuation)
        run += rest.substr(i, 3);
        i += 3;
        continue;
      }
      if (b == 0xEF && i + 2 < rest.size() && static_cast<unsigned char>(rest[i + 1]) >= 0xBC &&
          static_cast<unsigned char>(rest[i + 1]) <= 0xBF) {  // U+FF00–U+FFEF (full-width forms)
        run += rest.substr(i, 3);
        i += 3;
        continue;
      }
      if (!run.empty()) runs.push_back(run + "    ← " + line);
      run.clear();
      i += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    }
    if (!run.empty()) runs.push_back(run + "    ← " + line);
  }
  return runs;
}

// The notices' proper terms, which English output may keep in Chinese (docs/messages.md, "Terms").
inline const std::vector<std::string>& noticeTerms() {
  static const std::vector<std::string> terms = {
      "法人代表", "负责人（分管领导）", "负责人", "分管领导", "联系人", "平台操作人员", "评价机构",
      "专业评估", "团体申报", "职业资格鉴定", "职业技能等级认定", "事项名称", "节点名称", "毕业学年",
      "证件类型", "证件号码", "花名册", "市职鉴中心", "法人一证通", "附件1", "附件2", "意见表",
      "自助经办平台", "协卡助手", "居民身份证", "中职", "高职", "四级", "三级", "中级工", "高级工"};
  return terms;
}

}  // namespace zzjb::test
