// Where the real `zzjb` writes, with hostile things already in place (issue 11, must-show 2):
// `zzjb forms` and `zzjb report` over a planted symbolic link and over a file pre-created 0666 by
// another user, `forms -o` into another user's directory or link, a school id that climbs out
// of -o, `zzjb sign --out` over a link, and the pass lock over a link. Each test proves that
// nothing outside the output changes, that no foreign file receives an ID number, and that what
// zzjb writes is a file of its own with the documented mode (docs/security.md, "Writing files").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBin = ZZJB_BIN;
const fs::path kSource = ZZJB_SOURCE_DIR;
const std::string kToday = " --today 2026-11-27";
constexpr uid_t kOtherUid = 65534;  // nobody
// The operator of xuhui-zz in config/zzjb.example.json: 附件2 carries this number in full.
const std::string kOperatorId = "310104198503121235";
const std::string kForm1 = "xuhui-zz-附件1-职业技能评价专业评估申请表.html";
const std::string kForm2 = "xuhui-zz-附件2-团体申报开户申请表.html";

bool isRoot() {
  return ::geteuid() == 0;
}

// A copy of config/ to run on (keys too, when scripts/make-example-keys.sh made them).
fs::path copyExample(const TempDir& tmp) {
  const fs::path dst = tmp / "config";
  fs::create_directories(dst);
  for (const char* part :
       {"zzjb.example.json", "catalog.example.json", "rosters", "plans", "keys"}) {
    if (fs::exists(kSource / "config" / part)) {
      fs::copy(kSource / "config" / part, dst / part, fs::copy_options::recursive);
    }
  }
  return dst / "zzjb.example.json";
}

// Everything under `root` (but `skip`): kind, mode, owner, size, content or link target.
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const fs::path& root, const fs::path& skip = {}) {
  Snapshot s;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path p = it->path();
    if (!skip.empty() && p == skip) {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    std::string v = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + " ";
    if (S_ISLNK(st.st_mode)) v += "-> " + fs::read_symlink(p).string();
    if (S_ISREG(st.st_mode)) v += readFile(p);
    s[fs::relative(p, root).string()] = v;
  }
  return s;
}

struct stat lstatOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

// The file is a regular file of ours with exactly `mode`.
void expectOwnFile(const fs::path& p, mode_t mode) {
  struct stat st = lstatOf(p);
  EXPECT_TRUE(S_ISREG(st.st_mode)) << p << " is not a regular file (a link was kept?)";
  EXPECT_EQ(st.st_uid, ::geteuid()) << p;
  EXPECT_EQ(st.st_mode & 07777, mode) << p << std::oct << " has mode " << (st.st_mode & 07777);
}

std::string readFd(int fd) {
  std::string out;
  char buf[4096];
  off_t at = 0;
  for (ssize_t n; (n = ::pread(fd, buf, sizeof buf, at)) > 0; at += n) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Another user's file, 0666, made before zzjb runs; held open so that its inode can be read
// after zzjb replaced (or did not replace) the name.
struct ForeignFile {
  int fd = -1;
  explicit ForeignFile(const fs::path& p) {
    writeFile(p, "foreign");
    EXPECT_EQ(::chown(p.c_str(), kOtherUid, kOtherUid), 0);
    EXPECT_EQ(::chmod(p.c_str(), 0666), 0);
    fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
  }
  ~ForeignFile() {
    if (fd >= 0) ::close(fd);
  }
  ForeignFile(const ForeignFile&) = delete;
  ForeignFile& operator=(const ForeignFile&) = delete;
  // Its content, owner and mode are as that user left them.
  void expectUntouched(const std::string& label) const {
    struct stat st {};
    ASSERT_EQ(::fstat(fd, &st), 0);
    EXPECT_EQ(readFd(fd), "foreign") << label << ": the other user's file was written into";
    EXPECT_EQ(st.st_uid, kOtherUid) << label;
    EXPECT_EQ(st.st_mode & 07777, 0666U) << label;
  }
  [[nodiscard]] ino_t inode() const {
    struct stat st {};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return st.st_ino;
  }
};

RunResult forms(const fs::path& config, const fs::path& out,
                const std::string& school = "xuhui-zz") {
  return run(kBin + " forms -c " + shellQuote(config.string()) + " --school " + shellQuote(school) +
             " -o " + shellQuote(out.string()) + kToday);
}

RunResult report(const fs::path& config, const fs::path& out, const std::string& format) {
  return run(kBin + " report -c " + shellQuote(config.string()) + " --format " + format + " -o " +
             shellQuote(out.string()) + kToday);
}

// ---- zzjb forms ---------------------------------------------------------------------------

TEST(FormsOutput, PlantedLinksAreReplacedAndTheirTargetsOutsideAreUnchanged) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "outside");
  fs::create_directories(tmp / "out");
  writeFile(tmp / "outside" / "victim1", "victim one");
  writeFile(tmp / "outside" / "victim2", "victim two");
  fs::create_symlink(tmp / "outside" / "victim1", tmp / "out" / kForm1);
  fs::create_symlink("../outside/victim2", tmp / "out" / kForm2);
  const Snapshot before = snapshot(tmp.path(), tmp / "out");

  auto r = forms(config, tmp / "out");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(snapshot(tmp.path(), tmp / "out"), before) << "something outside -o changed";
  EXPECT_EQ(readFile(tmp / "outside" / "victim2"), "victim two");
  expectOwnFile(tmp / "out" / kForm1, 0600);
  expectOwnFile(tmp / "out" / kForm2, 0600);
  EXPECT_TRUE(contains(readFile(tmp / "out" / kForm2), kOperatorId));
  EXPECT_FALSE(contains(r.out + r.err, kOperatorId)) << "the ID number was printed";
}

// As root (a service often runs so): another user's 0666 files at both names are replaced by
// new files of ours, 0600; the foreign inodes never receive a byte.
TEST(FormsOutput, AnotherUsersPreCreatedFileIsReplacedAndNeverReceivesTheIdNumber) {
  if (!isRoot()) GTEST_SKIP() << "needs root to pre-create a file as another user (chown)";
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "out");
  ASSERT_EQ(::chmod((tmp / "out").c_str(), 0777), 0);  // a folder shared with that user
  ForeignFile f1(tmp / "out" / kForm1);
  ForeignFile f2(tmp / "out" / kForm2);

  auto r = forms(config, tmp / "out");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  f1.expectUntouched("附件1");
  f2.expectUntouched("附件2");
  // Replaced, not refused: the names now hold our own files.
  EXPECT_NE(lstatOf(tmp / "out" / kForm2).st_ino, f2.inode());
  expectOwnFile(tmp / "out" / kForm1, 0600);
  expectOwnFile(tmp / "out" / kForm2, 0600);
  EXPECT_TRUE(contains(readFile(tmp / "out" / kForm2), kOperatorId));
}

TEST(FormsOutput, MissingOutputDirectoryIsCreatedPrivate) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  auto r = run("umask 000; " + kBin + " forms -c " + shellQuote(config.string()) +
               " --school xuhui-zz -o " + shellQuote((tmp / "new" / "forms").string()) + kToday);
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(lstatOf(tmp / "new").st_mode & 07777, 0700U);
  EXPECT_EQ(lstatOf(tmp / "new" / "forms").st_mode & 07777, 0700U);
  expectOwnFile(tmp / "new" / "forms" / kForm1, 0600);
  expectOwnFile(tmp / "new" / "forms" / kForm2, 0600);
}

// -o naming another user's link, or a directory below another user's directory: refused
// (73) before anything is written, because that user could point it anywhere.
TEST(FormsOutput, OutputThroughAnotherUsersLinkOrDirectoryIsRefused) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a link owned by another user (lchown)";
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "outside");
  fs::create_symlink(tmp / "outside", tmp / "theirlink");
  ASSERT_EQ(::lchown((tmp / "theirlink").c_str(), kOtherUid, kOtherUid), 0);
  fs::create_directories(tmp / "theirs");
  ASSERT_EQ(::chown((tmp / "theirs").c_str(), kOtherUid, kOtherUid), 0);
  const Snapshot before = snapshot(tmp.path());

  auto viaLink = forms(config, tmp / "theirlink");
  EXPECT_EQ(viaLink.exitCode, 73) << viaLink.out << viaLink.err;
  EXPECT_TRUE(contains(viaLink.err, "UNSAFE_OWNER")) << viaLink.err;
  EXPECT_TRUE(contains(viaLink.err, "符号链接")) << viaLink.err;
  auto below = forms(config, tmp / "theirs" / "forms");
  EXPECT_EQ(below.exitCode, 73) << below.out << below.err;
  EXPECT_TRUE(contains(below.err, "uid 65534")) << below.err;
  EXPECT_EQ(snapshot(tmp.path()), before) << "something was written";
}

// A school id that would climb out of -o (`../x`, or an absolute path) writes nothing anywhere
// and ends with 78: the configuration is wrong. (The configuration loader refuses such ids;
// `zzjb forms` also refuses an id that holds "/", whoever checked it before.)
TEST(FormsOutput, SchoolIdOutsideTheOutputDirectoryWritesNothingAndExitsSeventyEight) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  for (const std::string& id : std::vector<std::string>{"../x", (tmp / "abs").string()}) {
    json cfg = json::parse(readFile(config));
    cfg["schools"][0]["id"] = id;
    writeFile(config, cfg.dump(2));
    const Snapshot before = snapshot(tmp.path());
    auto r = forms(config, tmp / "out", id);
    EXPECT_EQ(r.exitCode, 78) << id << "\n" << r.out << r.err;
    EXPECT_EQ(snapshot(tmp.path()), before) << id << ": something was written";
    EXPECT_FALSE(contains(r.out + r.err, kOperatorId));
  }
}

// ---- zzjb report --------------------------------------------------------------------------

TEST(ReportOutput, PlantedLinkIsReplacedAndItsTargetUnchanged) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "out");
  writeFile(tmp / "victim", "victim");
  for (const char* format : {"html", "json"}) {
    const fs::path out = tmp / "out" / (std::string("report.") + format);
    fs::create_symlink(tmp / "victim", out);
    const Snapshot before = snapshot(tmp.path(), tmp / "out");
    auto r = report(config, out, format);
    ASSERT_EQ(r.exitCode, 0) << format << "\n" << r.out << r.err;
    EXPECT_EQ(snapshot(tmp.path(), tmp / "out"), before) << format << ": the link was followed";
    expectOwnFile(out, 0600);
    EXPECT_GT(fs::file_size(out), 100U);
  }
  EXPECT_EQ(readFile(tmp / "victim"), "victim");
}

TEST(ReportOutput, AnotherUsersPreCreatedFileIsReplacedNeverWrittenInto) {
  if (!isRoot()) GTEST_SKIP() << "needs root to pre-create a file as another user (chown)";
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "out");
  ASSERT_EQ(::chmod((tmp / "out").c_str(), 0777), 0);
  ForeignFile foreign(tmp / "out" / "report.html");
  auto r = report(config, tmp / "out" / "report.html", "html");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  foreign.expectUntouched("report");
  EXPECT_NE(lstatOf(tmp / "out" / "report.html").st_ino, foreign.inode());
  expectOwnFile(tmp / "out" / "report.html", 0600);
  EXPECT_TRUE(contains(readFile(tmp / "out" / "report.html"), "<html"));
}

TEST(ReportOutput, MissingDirectoryIsRefusedWithItsNameAndNotCreated) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  auto r = report(config, tmp / "absent" / "report.html", "html");
  EXPECT_EQ(r.exitCode, 73) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "OUTPUT_DIR_NOT_FOUND")) << r.err;
  EXPECT_TRUE(contains(r.err, (tmp / "absent").string())) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "absent"));
}

// ---- zzjb sign --out ------------------------------------------------------------------------

TEST(SignOutput, PlantedLinkIsReplacedAndItsTargetUnchanged) {
  TempDir tmp;
  auto key = run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                 shellQuote((tmp / "school.key").string()));
  ASSERT_EQ(key.exitCode, 0) << key.err;
  writeFile(tmp / "data.bin", "challenge");
  writeFile(tmp / "victim", "victim");
  fs::create_symlink(tmp / "victim", tmp / "data.sig");
  auto r = run(kBin + " sign --key " + shellQuote("file:" + (tmp / "school.key").string()) +
               " --in " + shellQuote((tmp / "data.bin").string()) + " --out " +
               shellQuote((tmp / "data.sig").string()));
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(readFile(tmp / "victim"), "victim");
  expectOwnFile(tmp / "data.sig", 0644);
  EXPECT_GT(fs::file_size(tmp / "data.sig"), 8U);
}

// ---- zzjb daemon --metrics-port-file ---------------------------------------------------------

RunResult daemonOnce(const fs::path& config, const fs::path& portFile) {
  // The platform of the example is not there: the one pass ends quickly (75); the port file is
  // written before it.
  return run("timeout 60 " + kBin + " daemon -c " + shellQuote(config.string()) +
             " --every 3600 --once-then-exit --metrics-listen 127.0.0.1:0 --metrics-port-file " +
             shellQuote(portFile.string()) + kToday);
}

TEST(DaemonPortFile, PlantedLinkIsReplacedAndItsTargetUnchanged) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  writeFile(tmp / "victim", "victim");
  fs::create_symlink(tmp / "victim", tmp / "port");
  auto r = daemonOnce(config, tmp / "port");
  EXPECT_NE(r.exitCode, 73) << r.err;
  EXPECT_NE(r.exitCode, 124) << "the daemon did not end its one pass";
  EXPECT_EQ(readFile(tmp / "victim"), "victim");
  expectOwnFile(tmp / "port", 0644);
  EXPECT_GT(std::stoi(readFile(tmp / "port")), 0);
}

TEST(DaemonPortFile, PortFileInAnotherUsersDirectoryIsRefusedBeforeAnyPass) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a directory owned by another user (chown)";
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "theirs");
  ASSERT_EQ(::chown((tmp / "theirs").c_str(), kOtherUid, kOtherUid), 0);
  auto r = daemonOnce(config, tmp / "theirs" / "port");
  EXPECT_EQ(r.exitCode, 73) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "UNSAFE_OWNER")) << r.err;
  EXPECT_TRUE(fs::is_empty(tmp / "theirs"));
  EXPECT_FALSE(fs::exists(tmp / "config" / "state")) << "a pass ran";
}

// ---- the pass lock ------------------------------------------------------------------------

TEST(PassLock, LinkAtTheLockFileIsRefusedWithSeventyEightAndItsTargetUnchanged) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "config" / "state");
  ASSERT_EQ(::chmod((tmp / "config" / "state").c_str(), 0700), 0);
  writeFile(tmp / "victim", "victim");
  fs::create_symlink(tmp / "victim", tmp / "config" / "state" / "zzjb.sqlite.lock");
  auto r = run(kBin + " run -c " + shellQuote(config.string()) + kToday);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "它是符号链接")) << r.err;
  EXPECT_EQ(readFile(tmp / "victim"), "victim");
  EXPECT_FALSE(fs::exists(tmp / "config" / "state" / "zzjb.sqlite"));
}

TEST(PassLock, AnotherUsersLockFileIsRefusedWithSeventyEight) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a file owned by another user (chown)";
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "config" / "state");
  ASSERT_EQ(::chmod((tmp / "config" / "state").c_str(), 0700), 0);
  const ForeignFile lock(tmp / "config" / "state" / "zzjb.sqlite.lock");
  auto r = run(kBin + " run -c " + shellQuote(config.string()) + kToday);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "拒绝使用锁文件")) << r.err;
  lock.expectUntouched("lock");
  EXPECT_FALSE(fs::exists(tmp / "config" / "state" / "zzjb.sqlite"));
}

TEST(PassLock, StateDirectoryOthersCanWriteIsRefusedWithSeventyEight) {
  TempDir tmp;
  const fs::path config = copyExample(tmp);
  fs::create_directories(tmp / "config" / "state");
  ASSERT_EQ(::chmod((tmp / "config" / "state").c_str(), 0777), 0);
  auto r = run(kBin + " run -c " + shellQuote(config.string()) + kToday);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "可被所有用户写入")) << r.err;
  EXPECT_TRUE(fs::is_empty(tmp / "config" / "state"));
}

}  // namespace
}  // namespace zzjb::test
