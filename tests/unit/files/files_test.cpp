// adapters/files on real files: readFile's limits and refusals (FIFO, device, link, a file that
// reads longer than it says), writeFileAtomic over a link, over another user's file, with mode
// 0600 from the first byte, and when the rename fails; openForLoading and checkSafeDirectory
// refusals. Also the directory rules of files::prepareDirectory and the store's secret key file,
// which follow the same rules (docs/security.md, "Writing files").
#include "zzjb/files/files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kOtherUid = 65534;  // nobody

bool isRoot() {
  return ::geteuid() == 0;
}

struct stat lstatOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

// The content behind an open descriptor (from offset 0).
std::string readFd(int fd) {
  std::string out;
  char buf[4096];
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  return out;
}

// Names in `dir` (to prove that no temporary file was left behind).
std::vector<std::string> namesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// ---- readFile ----------------------------------------------------------------------------

TEST(ReadFile, ReadsUpToTheLimitAndRefusesOneByteMoreNamingTheLimit) {
  TempDir tmp;
  writeFile(tmp / "c.json", std::string(100, 'x'));
  auto ok = files::readFile(tmp / "c.json", {.maxBytes = 100, .what = "configuration"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->size(), 100U);

  auto tooLarge = files::readFile(tmp / "c.json", {.maxBytes = 99, .what = "configuration"});
  ASSERT_FALSE(tooLarge);
  EXPECT_EQ(tooLarge.error().code, "FILE_TOO_LARGE");
  EXPECT_EQ(tooLarge.error().message, "配置文件大于 99 字节，超出该类文件的上限");
  EXPECT_EQ(tooLarge.error().where.file, (tmp / "c.json").string());

  // What the file is for, named by the catalog in the language asked for.
  zzjb::msg::setLanguage(zzjb::msg::Lang::En);
  auto english = files::readFile(tmp / "c.json", {.maxBytes = 99, .what = "configuration"});
  zzjb::msg::setLanguage(zzjb::msg::Lang::ZhCN);
  ASSERT_FALSE(english);
  EXPECT_EQ(english.error().message,
            "the configuration is larger than 99 bytes, the limit for such a file");
}

TEST(ReadFile, RefusesAFifoAtOnceInsteadOfWaitingForAWriter) {
  TempDir tmp;
  const fs::path fifo = tmp / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  auto r = files::readFile(fifo, {.maxBytes = 1024, .what = "roster"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "FILE_NOT_REGULAR");
  EXPECT_TRUE(contains(r.error().message, "是管道")) << r.error().message;
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(ReadFile, RefusesDevicesAndDirectoriesWithoutReadingThem) {
  for (const char* dev : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    auto r = files::readFile(dev, {.maxBytes = 1024, .what = "input"});
    ASSERT_FALSE(r) << dev;
    EXPECT_EQ(r.error().code, "FILE_NOT_REGULAR") << dev;
    EXPECT_TRUE(contains(r.error().message, "是设备")) << r.error().message;
  }
  TempDir tmp;
  auto dir = files::readFile(tmp.path(), {.maxBytes = 1024, .what = "input"});
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, "FILE_NOT_REGULAR");
  EXPECT_TRUE(contains(dir.error().message, "是目录"));
}

TEST(ReadFile, RefusesAFinalLinkUnlessTheCallerFollowsIt) {
  TempDir tmp;
  writeFile(tmp / "real.pem", "certificate");
  fs::create_symlink(tmp / "real.pem", tmp / "link.pem");
  auto refused = files::readFile(tmp / "link.pem", {.maxBytes = 1024, .what = "certificate"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "FILE_IS_LINK");

  auto followed = files::readFile(
      tmp / "link.pem", {.maxBytes = 1024, .what = "certificate", .followFinalLink = true});
  ASSERT_TRUE(followed) << followed.error().message;
  EXPECT_EQ(*followed, "certificate");

  auto missing = files::readFile(tmp / "absent.pem", {.maxBytes = 1024, .what = "certificate"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "FILE_NOT_FOUND");
}

// A file that reads longer than fstat said (as one that grows while it is read): /proc files
// say size 0 and then give their content. The limit holds on what is read, not on st_size.
TEST(ReadFile, LimitHoldsOnBytesReadNotOnTheSizeTheFileClaims) {
  struct stat st {};
  ASSERT_EQ(::stat("/proc/self/status", &st), 0);
  ASSERT_EQ(st.st_size, 0) << "this test needs a file whose st_size understates its content";

  auto whole = files::readFile("/proc/self/status", {.maxBytes = 1 << 20, .what = "status"});
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_GT(whole->size(), 100U);
  EXPECT_TRUE(contains(*whole, "Name:"));

  auto capped = files::readFile("/proc/self/status", {.maxBytes = 64, .what = "status"});
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code, "FILE_TOO_LARGE");
}

// ---- writeFileAtomic ---------------------------------------------------------------------

TEST(WriteFileAtomic, ReplacesAPlantedLinkAndLeavesItsTargetUnchanged) {
  TempDir tmp;
  fs::create_directories(tmp / "out");
  writeFile(tmp / "victim", "untouched");
  fs::create_symlink(tmp / "victim", tmp / "out" / "form.html");

  auto w = files::writeFileAtomic(tmp / "out" / "form.html", "ID 310104198503121235",
                                  {.mode = 0600, .what = "form"});
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(readFile(tmp / "victim"), "untouched");
  struct stat st = lstatOf(tmp / "out" / "form.html");
  EXPECT_TRUE(S_ISREG(st.st_mode)) << "the link was followed or kept";
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(readFile(tmp / "out" / "form.html"), "ID 310104198503121235");
  EXPECT_EQ(namesIn(tmp / "out"), std::vector<std::string>{"form.html"});
}

// As root, another user's 0666 file at the name is replaced by a new file of ours; the foreign
// inode (still open here) never receives a byte and keeps its owner and mode.
TEST(WriteFileAtomic, NeverWritesIntoAnotherUsersFileItReplacesIt) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a file owned by another user (chown)";
  TempDir tmp;
  const fs::path name = tmp / "form.html";
  writeFile(name, "foreign");
  ASSERT_EQ(::chown(name.c_str(), kOtherUid, kOtherUid), 0);
  ASSERT_EQ(::chmod(name.c_str(), 0666), 0);
  const int foreign = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(foreign, 0);

  auto w = files::writeFileAtomic(name, "ID 310104198503121235", {.mode = 0600, .what = "form"});
  ASSERT_TRUE(w) << w.error().message;

  struct stat old {};
  ASSERT_EQ(::fstat(foreign, &old), 0);
  EXPECT_EQ(readFd(foreign), "foreign");
  EXPECT_EQ(old.st_uid, kOtherUid);
  EXPECT_EQ(old.st_mode & 07777, 0666U);
  ::close(foreign);
  struct stat now = lstatOf(name);
  EXPECT_NE(now.st_ino, old.st_ino);
  EXPECT_EQ(now.st_uid, ::geteuid());
  EXPECT_EQ(now.st_mode & 07777, 0600U);
  EXPECT_EQ(readFile(name), "ID 310104198503121235");
}

// A writer that may not replace the file (not its owner, in a sticky directory such as /tmp)
// is refused: the other user's file keeps its content, and no temporary file is left.
TEST(WriteFileAtomic, IsRefusedWhereAnotherUsersFileCannotBeReplaced) {
  if (!isRoot()) GTEST_SKIP() << "needs root to write as another user (setuid)";
  TempDir tmp;
  const fs::path shared = tmp / "shared";
  fs::create_directories(shared);
  ASSERT_EQ(::chmod(shared.c_str(), 01777), 0);
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
  writeFile(shared / "report.html", "root's file");
  ASSERT_EQ(::chmod((shared / "report.html").c_str(), 0666), 0);

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(kOtherUid) != 0 || ::setuid(kOtherUid) != 0) ::_exit(2);
    auto w = files::writeFileAtomic(shared / "report.html", "students", {.mode = 0600});
    ::_exit(!w && w.error().code == "FILE_WRITE" ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the write was not refused (1) or setuid failed (2)";
  EXPECT_EQ(readFile(shared / "report.html"), "root's file");
  EXPECT_EQ(namesIn(shared), std::vector<std::string>{"report.html"});
}

// Every file seen in the directory while a large write is under way, temporary or final, is
// already 0600: the mode is set when the file is made, not after the bytes are in.
TEST(WriteFileAtomic, FileIsPrivateFromTheMomentItExists) {
  TempDir tmp;
  const mode_t oldMask = ::umask(0);  // the most permissive umask: nothing hides a wrong mode
  const int in = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(in, 0);
  ASSERT_GE(::inotify_add_watch(in, tmp.path().c_str(), IN_CREATE), 0);
  const std::string big(64u << 20, 'x');
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto w = files::writeFileAtomic(tmp / "big.html", big, {.mode = 0600});
    EXPECT_TRUE(w) << (w ? "" : w.error().message);
    done = true;
  });
  std::size_t seen = 0;
  alignas(inotify_event) char buf[4096];
  while (!done || seen == 0) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n <= 0) {
      if (done) break;
      std::this_thread::yield();
      continue;
    }
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
      if (ev->len > 0) {
        struct stat st {};
        if (::lstat((tmp / ev->name).c_str(), &st) == 0) {
          ++seen;
          EXPECT_EQ(st.st_mode & 077, 0U)
              << ev->name << " was visible with mode " << std::oct << (st.st_mode & 07777);
        }
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  writer.join();
  ::close(in);
  ::umask(oldMask);
  EXPECT_GT(seen, 0U) << "the temporary file was never observed";
  EXPECT_EQ(lstatOf(tmp / "big.html").st_mode & 07777, 0600U);
}

TEST(WriteFileAtomic, FinalModeIsExactWhateverTheUmask) {
  TempDir tmp;
  const mode_t oldMask = ::umask(0277);  // would leave 0400 from open()'s 0600
  auto a = files::writeFileAtomic(tmp / "a", "a", {.mode = 0600});
  auto b = files::writeFileAtomic(tmp / "b", "b", {.mode = 0644});
  ::umask(oldMask);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(lstatOf(tmp / "a").st_mode & 07777, 0600U);
  EXPECT_EQ(lstatOf(tmp / "b").st_mode & 07777, 0644U);
}

TEST(WriteFileAtomic, FailedRenameIsAnErrorAndLeavesNoTemporaryFile) {
  TempDir tmp;
  fs::create_directories(tmp / "report.html" / "inside");  // a non-empty directory at the name
  auto w = files::writeFileAtomic(tmp / "report.html", "content", {.mode = 0600, .what = "report"});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, "FILE_WRITE");
  EXPECT_TRUE(contains(w.error().message, "report")) << w.error().message;
  EXPECT_EQ(namesIn(tmp.path()), std::vector<std::string>{"report.html"});
  EXPECT_TRUE(fs::is_directory(tmp / "report.html" / "inside"));
}

TEST(WriteFileAtomic, MissingDirectoryIsAnErrorNotCreated) {
  TempDir tmp;
  auto w = files::writeFileAtomic(tmp / "absent" / "x", "content");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, "FILE_WRITE");
  EXPECT_FALSE(fs::exists(tmp / "absent"));
}

// ---- openForLoading / checkSafeDirectory -------------------------------------------------

// A private directory for code, under the test's scratch directory (itself 0700 from mkdtemp).
fs::path codeDir(const TempDir& tmp) {
  fs::path d = tmp / "plugins";
  fs::create_directories(d);
  EXPECT_EQ(::chmod(d.c_str(), 0755), 0);
  return d;
}

TEST(OpenForLoading, LoadsTheVeryFileItCheckedEvenIfThePathIsSwappedAfterwards) {
  TempDir tmp;
  const fs::path dir = codeDir(tmp);
  writeFile(dir / "p.so", "good");
  ASSERT_EQ(::chmod((dir / "p.so").c_str(), 0644), 0);
  auto f = files::openForLoading(dir / "p.so", "plugin");
  ASSERT_TRUE(f) << f.error().message;
  fs::rename(dir / "p.so", dir / "p.so.old");
  writeFile(dir / "p.so", "swapped");
  EXPECT_EQ(f->loadPath(), "/proc/self/fd/" + std::to_string(f->fd()));
  EXPECT_EQ(readFile(f->loadPath()), "good");
}

TEST(OpenForLoading, RefusesALinkAFifoAndAFileOthersCanWrite) {
  TempDir tmp;
  const fs::path dir = codeDir(tmp);
  writeFile(dir / "real.so", "x");
  ASSERT_EQ(::chmod((dir / "real.so").c_str(), 0644), 0);
  fs::create_symlink(dir / "real.so", dir / "link.so");
  auto link = files::openForLoading(dir / "link.so", "plugin");
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, "FILE_IS_LINK");

  ASSERT_EQ(::mkfifo((dir / "fifo.so").c_str(), 0644), 0);
  auto fifo = files::openForLoading(dir / "fifo.so", "plugin");
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().code, "FILE_NOT_REGULAR");

  writeFile(dir / "gw.so", "x");
  ASSERT_EQ(::chmod((dir / "gw.so").c_str(), 0664), 0);
  auto gw = files::openForLoading(dir / "gw.so", "plugin");
  ASSERT_FALSE(gw);
  EXPECT_EQ(gw.error().code, "UNSAFE_PERMISSIONS");
  EXPECT_TRUE(contains(gw.error().message, "0664")) << gw.error().message;
  EXPECT_TRUE(contains(gw.error().hint, "chmod")) << gw.error().hint;
}

TEST(OpenForLoading, RefusesCodeOwnedByAnotherUser) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a file owned by another user (chown)";
  TempDir tmp;
  const fs::path dir = codeDir(tmp);
  writeFile(dir / "p.so", "x");
  ASSERT_EQ(::chmod((dir / "p.so").c_str(), 0644), 0);
  ASSERT_EQ(::chown((dir / "p.so").c_str(), kOtherUid, kOtherUid), 0);
  auto f = files::openForLoading(dir / "p.so", "plugin");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, "UNSAFE_OWNER");
  EXPECT_TRUE(contains(f.error().message, "uid 65534")) << f.error().message;
  EXPECT_TRUE(contains(f.error().hint, "chown")) << f.error().hint;
}

TEST(CheckSafeDirectory, RefusesADirectoryOthersCanWriteEvenStickyButAcceptsOneUnderASticky) {
  TempDir tmp;
  const fs::path sticky = tmp / "shared";
  fs::create_directories(sticky);
  ASSERT_EQ(::chmod(sticky.c_str(), 01777), 0);
  auto self = files::checkSafeDirectory(sticky, "plugin directory");
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().code, "UNSAFE_PERMISSIONS");
  EXPECT_TRUE(contains(self.error().message, "可被所有用户写入")) << self.error().message;

  fs::create_directories(sticky / "mine");
  ASSERT_EQ(::chmod((sticky / "mine").c_str(), 0755), 0);
  auto below = files::checkSafeDirectory(sticky / "mine", "plugin directory");
  EXPECT_TRUE(below) << below.error().message;

  const fs::path group = tmp / "group";
  fs::create_directories(group / "inner");
  ASSERT_EQ(::chmod(group.c_str(), 0775), 0);
  ASSERT_EQ(::chmod((group / "inner").c_str(), 0755), 0);
  auto above = files::checkSafeDirectory(group / "inner", "plugin directory");
  ASSERT_FALSE(above) << "a group-writable, non-sticky directory above was accepted";
  EXPECT_EQ(above.error().code, "UNSAFE_PERMISSIONS");
  EXPECT_EQ(above.error().where.file, fs::canonical(group).string());
}

TEST(CheckSafeDirectory, RefusesADirectoryOwnedByAnotherUser) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a directory owned by another user (chown)";
  TempDir tmp;
  fs::create_directories(tmp / "theirs");
  ASSERT_EQ(::chmod((tmp / "theirs").c_str(), 0755), 0);
  ASSERT_EQ(::chown((tmp / "theirs").c_str(), kOtherUid, kOtherUid), 0);
  auto r = files::checkSafeDirectory(tmp / "theirs", "plugin directory");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UNSAFE_OWNER");
}

// ---- files::prepareDirectory (output and state directories) ---------------------------------

TEST(PrepareDirectory, CreatesMissingDirectoriesPrivate) {
  TempDir tmp;
  const mode_t oldMask = ::umask(0);
  auto r = files::prepareDirectory(tmp / "a" / "b", {.create = true});
  ::umask(oldMask);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(lstatOf(tmp / "a").st_mode & 07777, 0700U);
  EXPECT_EQ(lstatOf(tmp / "a" / "b").st_mode & 07777, 0700U);
}

TEST(PrepareDirectory, WithoutCreateAMissingDirectoryIsNamed) {
  TempDir tmp;
  auto r =
      files::prepareDirectory(tmp / "absent", {.create = false, .what = "directory of the report"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "OUTPUT_DIR_NOT_FOUND");
  EXPECT_TRUE(contains(r.error().message, "directory of the report")) << r.error().message;
  EXPECT_FALSE(fs::exists(tmp / "absent"));
}

TEST(PrepareDirectory, AcceptsOurLinkAndAWritableTargetOnlyWhereAllowed) {
  TempDir tmp;
  fs::create_directories(tmp / "real");
  fs::create_symlink(tmp / "real", tmp / "link");
  EXPECT_TRUE(files::prepareDirectory(tmp / "link", {}));

  ASSERT_EQ(::chmod((tmp / "real").c_str(), 0777), 0);
  EXPECT_TRUE(files::prepareDirectory(tmp / "real", {.othersMayWrite = true}));
  auto state =
      files::prepareDirectory(tmp / "real", {.othersMayWrite = false, .what = "state directory"});
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, "UNSAFE_PERMISSIONS");

  writeFile(tmp / "file", "x");
  auto notDir = files::prepareDirectory(tmp / "file", {.create = true});
  ASSERT_FALSE(notDir);
  EXPECT_EQ(notDir.error().code, "OUTPUT_NOT_DIRECTORY");
}

TEST(PrepareDirectory, RefusesAnotherUsersLinkOrDirectoryAndCreatesNothingBelow) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make files owned by another user (chown)";
  TempDir tmp;
  fs::create_directories(tmp / "elsewhere");
  fs::create_symlink(tmp / "elsewhere", tmp / "theirlink");
  ASSERT_EQ(::lchown((tmp / "theirlink").c_str(), kOtherUid, kOtherUid), 0);
  auto link = files::prepareDirectory(tmp / "theirlink", {.create = true});
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, "UNSAFE_OWNER");
  EXPECT_TRUE(contains(link.error().message, "符号链接")) << link.error().message;

  fs::create_directories(tmp / "theirs");
  ASSERT_EQ(::chown((tmp / "theirs").c_str(), kOtherUid, kOtherUid), 0);
  auto below = files::prepareDirectory(tmp / "theirs" / "out", {.create = true});
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().code, "UNSAFE_OWNER");
  EXPECT_FALSE(fs::exists(tmp / "theirs" / "out"));
}

// ---- the store's state directory and secret key ----------------------------------------------

TEST(StateFiles, StoreCreatesItsDirectoryPrivateAndItsKeyOwnedAndPrivate) {
  TempDir tmp;
  const mode_t oldMask = ::umask(0);
  auto store = store::openSqliteStore(tmp / "state" / "zzjb.sqlite");
  ::umask(oldMask);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(lstatOf(tmp / "state").st_mode & 07777, 0700U);
  struct stat key = lstatOf(tmp / "state" / "zzjb.sqlite.key");
  EXPECT_TRUE(S_ISREG(key.st_mode));
  EXPECT_EQ(key.st_mode & 07777, 0600U);
  EXPECT_EQ(key.st_uid, ::geteuid());
  for (const auto& name : namesIn(tmp / "state")) {
    EXPECT_FALSE(contains(name, ".tmp-")) << "a temporary key file was left: " << name;
  }
}

TEST(StateFiles, StoreRefusesAStateDirectoryOthersCanWriteAndAKeyThatIsALink) {
  TempDir tmp;
  fs::create_directories(tmp / "open");
  ASSERT_EQ(::chmod((tmp / "open").c_str(), 0777), 0);
  auto open = store::openSqliteStore(tmp / "open" / "zzjb.sqlite");
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, "UNSAFE_PERMISSIONS");
  EXPECT_FALSE(fs::exists(tmp / "open" / "zzjb.sqlite"));

  fs::create_directories(tmp / "state");
  ASSERT_EQ(::chmod((tmp / "state").c_str(), 0700), 0);
  writeFile(tmp / "planted.key", std::string(32, 'k'));
  ASSERT_EQ(::chmod((tmp / "planted.key").c_str(), 0600), 0);
  fs::create_symlink(tmp / "planted.key", tmp / "state" / "zzjb.sqlite.key");
  auto linked = store::openSqliteStore(tmp / "state" / "zzjb.sqlite");
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code, "STORE_KEY_PERMISSIONS");
  EXPECT_TRUE(contains(linked.error().message, "密钥是符号链接")) << linked.error().message;
  EXPECT_EQ(readFile(tmp / "planted.key"), std::string(32, 'k'));
}

TEST(StateFiles, StoreRefusesAKeyOwnedByAnotherUser) {
  if (!isRoot()) GTEST_SKIP() << "needs root to make a file owned by another user (chown)";
  TempDir tmp;
  fs::create_directories(tmp / "state");
  ASSERT_EQ(::chmod((tmp / "state").c_str(), 0700), 0);
  const fs::path key = tmp / "state" / "zzjb.sqlite.key";
  writeFile(key, std::string(32, 'k'));
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  ASSERT_EQ(::chown(key.c_str(), kOtherUid, kOtherUid), 0);
  auto r = store::openSqliteStore(tmp / "state" / "zzjb.sqlite");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "STORE_KEY_PERMISSIONS");
  EXPECT_TRUE(contains(r.error().message, "uid 65534")) << r.error().message;
}

}  // namespace
}  // namespace zzjb::test
