// bench/city helper: makes the city (N schools × M students) and times a command.
// The standard library, POSIX and libcrypto only (what builds zzjb), so that run.sh can build it
// with g++ directly:
//   city gen --dir DIR -n N -m M [--grad-year Y]   rosters, catalog, school list
//   city keys --dir DIR                            the bench CA, a key and certificate per school
//   city time OUT -- CMD ARGS...                   runs CMD, writes "wall user sys maxrss_kb rc"
// The people are synthetic: ID numbers with GB 11643 check characters, credit codes with GB 11714
// and GB 32100 check characters (as scripts/gen-example-data.py makes them).
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr const char* kAlpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int alphaIndex(char c) {
  return static_cast<int>(std::strchr(kAlpha, c) - kAlpha);
}

// A valid 统一社会信用代码: 8 characters, an 8-character organisation body, its GB 11714 check,
// the GB 32100 check.
std::string creditCode(const std::string& prefix8, const std::string& org8) {
  static constexpr std::array<int, 8> ow{3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::array<int, 17> cw{1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};
  int s = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = org8[i];
    s += (c >= '0' && c <= '9' ? c - '0' : c - 55) * ow[i];
  }
  const int m = 11 - s % 11;
  const std::string oc = m == 10 ? "X" : m == 11 ? "0" : std::to_string(m);
  const std::string first17 = prefix8 + org8 + oc;
  int total = 0;
  for (std::size_t i = 0; i < 17; ++i) total += alphaIndex(first17[i]) * cw[i];
  return first17 + kAlpha[(31 - total % 31) % 31];
}

std::string residentId(const std::string& first17) {
  static constexpr std::array<int, 17> iw{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int s = 0;
  for (std::size_t i = 0; i < 17; ++i) s += (first17[i] - '0') * iw[i];
  return first17 + "10X98765432"[s % 11];
}

// The k-th student of the city, unique for k below 16 × 1,096 × 500 (8.7 million): an area code,
// a birth date from 2006-01-01 on, a sequence number whose parity gives the sex.
struct Person {
  std::string id;
  bool male;
};

Person student(long k, int birthYear0) {
  static const std::array<const char*, 16> areas{
      "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
      "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151"};
  const long perArea = 1096L * 500;
  const char* area = areas[static_cast<std::size_t>(k / perArea % 16)];
  const long inArea = k % perArea;
  std::tm t{};
  t.tm_year = birthYear0 - 1900;
  t.tm_mon = 0;
  t.tm_mday = 1 + static_cast<int>(inArea / 500);
  t.tm_hour = 12;
  std::mktime(&t);  // normalises the day into a real date
  const bool male = (k % 2) == 0;
  const long seq = (inArea % 500) * 2 + (male ? 1 : 0);  // 17th digit odd: male
  char first17[32];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03ld", area, t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, seq);
  return {residentId(first17), male};
}

// The year in which the current academic year ends (31 August), in Shanghai.
int graduationYearNow() {
  const std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm t{};
  gmtime_r(&now, &t);
  return t.tm_year + 1900 + (t.tm_mon >= 8 ? 1 : 0);
}

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
constexpr const char* kGiven[] = {"子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "诗涵",
                                  "博文", "雨桐", "嘉怡", "思远", "一鸣", "佳琪", "晨曦",
                                  "天佑", "可馨", "文博", "若曦", "明轩", "心怡"};

constexpr const char* kOrgName = "上海城市基准信息技术技能评价中心";
constexpr const char* kMajorA = "计算机应用";
constexpr const char* kMajorB = "软件与信息服务";
constexpr const char* kMajorC = "机电技术应用";  // 职业资格鉴定: the centre grants it
constexpr const char* kMajorD = "会计事务";      // no target: never declared

int gen(const std::string& dir, long n, long m, int gradYear) {
  const std::string orgCode = creditCode("52310000", "MJ7C1TY0");
  mkdir((dir + "/rosters").c_str(), 0755);
  {
    std::ofstream c(dir + "/catalog.json");
    c << "{\n  \"version\": \"bench-city\",\n  \"items\": [\n    {\n      \"org\": {\"name\": \""
      << kOrgName << "\", \"creditCode\": \"" << orgCode
      << "\", \"type\": \"SOCIAL_ORG\"},\n      \"occupations\": [\n"
      << "        {\"code\": \"4-04-05-01\", \"name\": \"计算机程序设计员\", \"levels\": [3, 4, "
         "5]},\n"
      << "        {\"code\": \"4-04-05-02\", \"name\": \"计算机软件测试员\", \"levels\": [3, 4]}\n"
      << "      ]\n    }\n  ]\n}\n";
  }
  // schools.tsv: id, credit code, keyID, operator ID: run.sh makes the keys and the config.
  std::ofstream list(dir + "/schools.tsv");
  long k = 0;
  long eligible = 0;
  for (long s = 0; s < n; ++s) {
    char id[32];
    std::snprintf(id, sizeof id, "city-%04ld", s);
    char org8[32];
    std::snprintf(org8, sizeof org8, "MC%06ld", s);
    char keyId[32];
    std::snprintf(keyId, sizeof keyId, "SHECA-CITY-%08ld", s);
    char op17[32];
    std::snprintf(op17, sizeof op17, "310104198%01ld%02ld%02ld%03ld", s % 10, 1 + s % 12,
                  1 + s % 28, 100 + s % 800);
    list << id << '\t' << creditCode("12310104", org8) << '\t' << keyId << '\t' << residentId(op17)
         << '\n';
    std::ofstream r(dir + "/rosters/" + id + ".csv", std::ios::binary);
    r << "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份\r\n";
    for (long i = 0; i < m; ++i, ++k) {
      // Per hundred rows: graduating this year, 27 in major A and 18 in B (social-org targets,
      // permission applied for online), 18 in C (qualification: granted by the centre), so 63
      // eligible; 19 in A, B or C graduating a year later; 18 in a major without a target.
      const long h = i * 37 % 100;  // a permutation of every hundred rows
      const char* const abc[] = {kMajorA, kMajorB, kMajorC};
      const char* major = h < 27   ? kMajorA
                          : h < 45 ? kMajorB
                          : h < 63 ? kMajorC
                          : h < 82 ? abc[h % 3]
                                   : kMajorD;
      const int year = h >= 63 && h < 82 ? gradYear + 1 : gradYear;
      if (h < 63) ++eligible;
      const Person p = student(k, 2006);
      char mobile[16];
      std::snprintf(mobile, sizeof mobile, "13%09ld", (k * 7919 + 12345) % 1000000000);
      r << kSurnames[k % 20] << kGiven[(k / 20) % 20] << ",居民身份证," << p.id << ','
        << (p.male ? "男" : "女") << ',' << mobile << ',' << major << ',' << major
        << (i % 2 ? "2401班" : "2402班") << ',' << year << "\r\n";
    }
  }
  std::ofstream(dir + "/eligible") << eligible << '\n';
  std::ofstream org(dir + "/org.tsv");
  org << kOrgName << '\t' << orgCode << '\n';
  std::cerr << "city: " << n << " schools, " << k << " students, " << eligible
            << " graduating in a major with a target (" << gradYear << ")\n";
  return 0;
}

// ---- keys: what scripts/make-example-keys.sh makes with the openssl command line, in-process
// (200 schools in well under a second instead of 600 openssl processes).

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

bool fail(const std::string& what) {
  std::cerr << "city keys: " << what << '\n';
  return false;
}

bool writeFileAtomic(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o << text;
    if (!o) return fail("cannot write " + tmp);
  }
  chmod(tmp.c_str(), mode);
  return std::rename(tmp.c_str(), path.c_str()) == 0 || fail("cannot rename " + tmp);
}

std::string pemOfKey(EVP_PKEY* key) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

std::string pemOfCert(X509* cert) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

Pkey readKey(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  Pkey k(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return k;
}

Cert readCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  Cert c(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return c;
}

bool addExt(X509* cert, X509V3_CTX* ctx, const char* name, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf(nullptr, ctx, name, value.c_str());
  if (ext == nullptr) return fail(std::string("extension ") + name + " = " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return true;
}

// A certificate for `key`: self-signed (a CA) when `issuer` is null, else signed by it.
Cert makeCert(EVP_PKEY* key, const std::string& cn, const std::string& org, X509* issuer,
              EVP_PKEY* issuerKey, int days,
              const std::vector<std::pair<std::string, std::string>>& exts) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] = static_cast<unsigned char>((serial[0] & 0x0f) | 0x70);  // positive, like the script's
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  auto add = [name](const char* field, const std::string& v) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
  };
  add("C", "CN");
  add("O", org);
  add("CN", cn);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [k, v] : exts) {
    if (!addExt(cert.get(), &ctx, k.c_str(), v)) return nullptr;
  }
  if (X509_sign(cert.get(), issuerKey != nullptr ? issuerKey : key, EVP_sha256()) == 0) {
    fail("cannot sign the certificate of " + cn);
    return nullptr;
  }
  return cert;
}

int keys(const std::string& dir) {
  const std::string k = dir + "/keys/";
  mkdir(k.c_str(), 0700);
  Pkey caKey = readKey(k + "ca.key");
  Cert ca = readCert(k + "ca.pem");
  if (!caKey || !ca) {
    caKey.reset(EVP_EC_gen("P-256"));
    if (!caKey) return fail("cannot make the CA key"), 1;
    ca = makeCert(caKey.get(), "zzjb bench city CA (not SHECA)", "zzjb bench", nullptr, nullptr,
                  3650,
                  {{"basicConstraints", "critical,CA:TRUE"},
                   {"keyUsage", "critical,keyCertSign,cRLSign"},
                   {"subjectKeyIdentifier", "hash"}});
    if (!ca || !writeFileAtomic(k + "ca.key", pemOfKey(caKey.get()), 0600) ||
        !writeFileAtomic(k + "ca.pem", pemOfCert(ca.get()), 0644)) {
      return 1;
    }
  }
  std::ifstream list(dir + "/schools.tsv");
  std::string line;
  int made = 0;
  while (std::getline(list, line)) {
    std::istringstream f(line);
    std::string id, credit, keyId;
    std::getline(f, id, '\t');
    std::getline(f, credit, '\t');
    std::getline(f, keyId, '\t');
    struct stat st {};
    if (stat((k + id + ".pem").c_str(), &st) == 0 && st.st_size > 0) continue;
    Pkey key(EVP_EC_gen("P-256"));
    if (!key) return fail("cannot make a key"), 1;
    Cert cert = makeCert(key.get(), id, id, ca.get(), caKey.get(), 730,
                         {{"basicConstraints", "critical,CA:FALSE"},
                          {"keyUsage", "critical,digitalSignature,nonRepudiation"},
                          {"subjectKeyIdentifier", "hash"},
                          {"authorityKeyIdentifier", "keyid"},
                          {"1.2.156.112570.11.205", "ASN1:UTF8String:" + keyId},
                          {"1.2.156.112570.11.210", "ASN1:UTF8String:" + credit}});
    if (!cert || !writeFileAtomic(k + id + ".key", pemOfKey(key.get()), 0600) ||
        !writeFileAtomic(k + id + ".pem", pemOfCert(cert.get()), 0644)) {
      return 1;
    }
    ++made;
  }
  if (made > 0) std::cerr << "city: " << made << " school keys and certificates made\n";
  return 0;
}

int timeCommand(const std::string& out, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return 71;
  }
  if (pid == 0) {
    execvp(argv[0], argv);
    std::perror(argv[0]);
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0) {
    std::perror("wait4");
    return 71;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ofstream o(out);
  o << wall << ' ' << secs(ru.ru_utime) << ' ' << secs(ru.ru_stime) << ' ' << ru.ru_maxrss << ' '
    << rc << '\n';
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "usage: city gen --dir DIR -n N -m M [--grad-year Y]\n"
      "       city keys --dir DIR\n"
      "       city time OUT -- CMD ARGS...\n";
  if (argc >= 2 && std::string(argv[1]) == "gen") {
    std::string dir;
    long n = 0;
    long m = 0;
    int year = graduationYearNow();
    for (int i = 2; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--dir")
        dir = argv[i + 1];
      else if (a == "-n")
        n = std::atol(argv[i + 1]);
      else if (a == "-m")
        m = std::atol(argv[i + 1]);
      else if (a == "--grad-year")
        year = std::atoi(argv[i + 1]);
      else {
        std::cerr << usage;
        return 64;
      }
    }
    if (dir.empty() || n <= 0 || m <= 0 || n > 9999 || n * m > 8'000'000) {
      std::cerr << usage << "(1 ≤ N ≤ 9999, N × M ≤ 8,000,000)\n";
      return 64;
    }
    return gen(dir, n, m, year);
  }
  if (argc == 4 && std::string(argv[1]) == "keys" && std::string(argv[2]) == "--dir") {
    return keys(argv[3]);
  }
  if (argc >= 5 && std::string(argv[1]) == "time" && std::string(argv[3]) == "--") {
    return timeCommand(argv[2], argv + 4);
  }
  std::cerr << usage;
  return 64;
}
