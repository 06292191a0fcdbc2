// Test helper: writes small xlsx (zip) files part by part with libzip, so tests can give the
// reader exactly the XML a spreadsheet program might write — or a broken one.
#pragma once

#include <zip.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace zzjb::test {

using Parts = std::map<std::string, std::string>;  // part name → content

// Zips `parts` into `out`; a part whose content is exactly "@file:<path>" is added from that file.
inline void writeZip(const std::filesystem::path& out, const Parts& parts) {
  int err = 0;
  zip_t* z = zip_open(out.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (z == nullptr) throw std::runtime_error("zip_open failed");
  for (const auto& [name, content] : parts) {
    zip_source_t* src = nullptr;
    if (content.starts_with("@file:")) {
      src = zip_source_file(z, content.substr(6).c_str(), 0, -1);
    } else {
      src = zip_source_buffer(z, content.data(), content.size(), 0);  // content outlives close
    }
    if (src == nullptr || zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(src);
      zip_discard(z);
      throw std::runtime_error("zip_file_add failed for " + name);
    }
  }
  if (zip_close(z) != 0) {
    zip_discard(z);
    throw std::runtime_error("zip_close failed");
  }
}

inline const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

inline std::string workbookXml(const std::string& sheets) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"") + kMainNs +
         "\" xmlns:r=\"" + kRelNs + "\"><sheets>" + sheets + "</sheets></workbook>";
}

inline std::string relsXml(const std::string& relationships) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas."
         "openxmlformats.org/package/2006/relationships\">" +
         relationships + "</Relationships>";
}

inline std::string rel(const std::string& id, const std::string& type, const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + kRelNs + "/" + type + "\" Target=\"" + target +
         "\"/>";
}

inline std::string sheetXml(const std::string& rows) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"") + kMainNs +
         "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

inline std::string sharedXml(const std::string& items) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"") + kMainNs + "\">" +
         items + "</sst>";
}

// A one-sheet workbook named "Sheet1" with these rows and (optional) shared strings.
inline Parts simpleXlsx(const std::string& rows, const std::string& sharedItems = {}) {
  Parts p;
  p["xl/workbook.xml"] = workbookXml("<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>");
  std::string rels = rel("rId1", "worksheet", "worksheets/sheet1.xml");
  if (!sharedItems.empty()) {
    rels += rel("rId2", "sharedStrings", "sharedStrings.xml");
    p["xl/sharedStrings.xml"] = sharedXml(sharedItems);
  }
  p["xl/_rels/workbook.xml.rels"] = relsXml(rels);
  p["xl/worksheets/sheet1.xml"] = sheetXml(rows);
  return p;
}

}  // namespace zzjb::test
