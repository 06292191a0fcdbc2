// A generated group-declaration file uploaded to zzjb-mock's Platform (through Platform::handle,
// no network): accepted, its rows read and judged like a hand-made template.
#include <string>
#include <vector>

#include "zzjb/platform/declaration_file.hpp"
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using DeclarationUpload = MockTest;

TEST_F(DeclarationUpload, GeneratedFileIsAcceptedAndItsRowsJudged) {
  permitted();
  const int year = gradYear();
  platform::DeclarationSheet sheet;
  sheet.columns = plugin::standardSheet(plugin::Scope::Occupation);
  sheet.columns.push_back({"备注", "", false});
  sheet.rows.push_back(studentRow(1, studentId("20090315", 1, true), year));
  sheet.rows.push_back(studentRow(2, studentId("20090315", 2, true), year - 1));
  sheet.rows[0].push_back("<&>\"");
  const auto file = platform::writeDeclarationXlsx(sheet);
  ASSERT_TRUE(file) << file.error().message;

  json manifest = manifestFor(*file, sheet.rows.size());
  EXPECT_EQ(manifest["sha256"], platform::sha256Hex(*file));
  Signing s;
  s.contentType = std::string("multipart/form-data; boundary=") + kBoundary;
  Parsed r = submit("POST", "/api/v1/skills/group-declarations", multipart(manifest, *file),
                    "upload-1", s);
  ASSERT_EQ(r.status, 202) << r.raw.body;
  const std::string url =
      "/api/v1/skills/group-declarations/" + r.body["batchId"].get<std::string>();
  get(url);
  Parsed done = get(url);
  ASSERT_EQ(done.body["status"], "DONE") << done.raw.body;
  ASSERT_EQ(done.body["rows"].size(), 2U);
  EXPECT_EQ(done.body["rows"][0]["result"], "ACCEPTED") << done.raw.body;
  EXPECT_EQ(done.body["rows"][0]["idNumber"], studentId("20090315", 1, true));
  EXPECT_EQ(done.body["rows"][1]["reason"], "NOT_GRADUATING");
}

}  // namespace
}  // namespace zzjb::mock::test
