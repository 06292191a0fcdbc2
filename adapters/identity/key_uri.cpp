// Parsing `identity.key`: file:, pkcs11: (RFC 7512) and skf: URIs.
#include "zzjb/identity/key_uri.hpp"

#include <map>
#include <optional>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::identity {

namespace fs = std::filesystem;

namespace {

// A key URI that cannot be used, worded by the catalog's `textCode` (and its ".hint"), or with the
// hint of `hintCode` when given.
Finding uriError(std::string_view textCode, msg::Args args = {}, std::string_view hintCode = {}) {
  Finding f = configError("KEY_URI", args, textCode);
  if (!hintCode.empty()) f.hint = msg::text(hintCode, args);
  return f;
}

// A piece of the URI as a message may quote it: printable ASCII only, at most 40 characters, so
// that a refusal is always valid UTF-8 and never carries much of what was written
// (docs/security.md, rule 4; found by the key_uri fuzz harness).
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 40) out += "…";
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; nullopt on a broken escape.
std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hexValue(s[i + 1]);
    int lo = hexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// "a=1;b=2" (sep ';') or "a=1&b=2" (sep '&') → map; duplicate or malformed → error text.
std::optional<std::map<std::string, std::string>> attributes(std::string_view s, char sep,
                                                            std::string& error) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    start = end + 1;
    if (part.empty()) {
      if (end == s.size()) break;
      continue;
    }
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      error = msg::text("KEY_URI.attribute.no_value", {{"attribute", shown(part)}});
      return std::nullopt;
    }
    std::string key(part.substr(0, eq));
    auto value = percentDecode(part.substr(eq + 1));
    if (!value) {
      error = msg::text("KEY_URI.attribute.escape", {{"attribute", shown(key)}});
      return std::nullopt;
    }
    if (!out.emplace(key, *value).second) {
      error = msg::text("KEY_URI.attribute.twice", {{"attribute", shown(key)}});
      return std::nullopt;
    }
    if (end == s.size()) break;
  }
  return out;
}

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

}  // namespace

Result<KeyUri> parseKeyUri(const std::string& uri, const fs::path& baseDir) {
  auto colon = uri.find(':');
  std::string scheme = colon == std::string::npos ? "" : uri.substr(0, colon);
  std::string rest = colon == std::string::npos ? uri : uri.substr(colon + 1);
  if (scheme == "file") {
    if (rest.starts_with("//")) rest.erase(0, 2);  // file:///abs/path
    auto path = percentDecode(rest);
    if (!path || path->empty()) {
      return std::unexpected(uriError("KEY_URI.file.no_path"));
    }
    return FileKeyUri{resolve(baseDir, *path)};
  }
  if (scheme == "pkcs11") {
    std::string error;
    auto q = rest.find('?');
    auto path = attributes(std::string_view(rest).substr(0, q), ';', error);
    if (!path) return std::unexpected(uriError("KEY_URI.pkcs11.attribute", {{"error", error}}));
    std::map<std::string, std::string> query;
    if (q != std::string::npos) {
      auto parsed = attributes(std::string_view(rest).substr(q + 1), '&', error);
      if (!parsed) return std::unexpected(uriError("KEY_URI.pkcs11.attribute", {{"error", error}}));
      query = std::move(*parsed);
    }
    if (query.contains("pin-value") || path->contains("pin-value")) {
      return std::unexpected(uriError("KEY_URI.pkcs11.pin_value"));
    }
    Pkcs11KeyUri out;
    out.modulePath = resolve(baseDir, query["module-path"]);
    out.token = (*path)["token"];
    out.object = (*path)["object"];
    out.id = (*path)["id"];
    out.pinSource = query["pin-source"];
    if (out.modulePath.empty()) {
      return std::unexpected(uriError("KEY_URI.pkcs11.no_module"));
    }
    if (out.token.empty() || (out.object.empty() && out.id.empty())) {
      return std::unexpected(uriError("KEY_URI.pkcs11.no_object"));
    }
    return out;
  }
  if (scheme == "skf") {
    std::string error;
    auto attrs = attributes(rest, ';', error);
    if (!attrs) return std::unexpected(uriError("KEY_URI.skf.attribute", {{"error", error}}));
    for (const auto& [k, v] : *attrs) {
      if (k != "lib" && k != "dev" && k != "app" && k != "container") {
        return std::unexpected(uriError("KEY_URI.skf.unknown_attribute", {{"attribute", shown(k)}}));
      }
    }
    SkfKeyUri out{resolve(baseDir, (*attrs)["lib"]), (*attrs)["dev"], (*attrs)["app"],
                  (*attrs)["container"]};
    if (out.lib.empty()) {
      return std::unexpected(uriError("KEY_URI.skf.no_lib"));
    }
    return out;
  }
  return std::unexpected(uriError("KEY_URI.scheme", {{"scheme", shown(scheme)}}));
}

std::string describeKeyUri(const KeyUri& uri) {
  if (const auto* f = std::get_if<FileKeyUri>(&uri)) return "file " + f->path;
  if (const auto* p = std::get_if<Pkcs11KeyUri>(&uri)) {
    return "pkcs11 token " + p->token + " object " + p->object + " (" + p->modulePath + ")";
  }
  const auto& s = std::get<SkfKeyUri>(uri);
  return "skf " + s.lib + (s.dev.empty() ? "" : " dev " + s.dev) +
         (s.container.empty() ? "" : " container " + s.container);
}

}  // namespace zzjb::identity
