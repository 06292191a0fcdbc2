// The plugin API: what differs per certification type, as policy, not I/O.
//
// Two layers. `CertificationType` is the boundary the host calls: every entry point is noexcept
// and returns a Reply (a value, or the reason it could not be made). A plugin author does not
// implement it directly but writes a `Policy` (ordinary functions that may throw) and exports it
// with ZZJB_PLUGIN (export.hpp), which wraps it in `Guarded<Policy>`: the trampoline that catches
// everything on the plugin's side, so that no exception crosses the boundary.
//
// Lifetime: nothing a plugin returns refers back into the plugin (plain values only), and the
// host keeps the library loaded as long as the object lives.
//
// Threads: zzjb works on several schools at once (platform.maxConcurrentSchools), so every entry
// point but init() may be called from several threads at the same time on the same object. Keep
// no mutable state, or guard it with a lock (docs/plugins.md, "Inside zzjb").
#pragma once

#include <boost/config.hpp>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zzjb/plugin/abi.hpp"
#include "zzjb/plugin/text.hpp"
#include "zzjb/plugin/types.hpp"

namespace zzjb::plugin {

// A value, or why the plugin could not produce it (`error` non-empty; `value` then default).
template <typename T>
struct Reply {
  T value{};
  std::string error;
  [[nodiscard]] bool ok() const { return error.empty(); }
};

// The boundary. Pure abstract, no data members.
class BOOST_SYMBOL_VISIBLE CertificationType {
 public:
  virtual ~CertificationType() = default;

  // Called once after the factory, before anything else; an error refuses the plugin.
  virtual Reply<bool> init() noexcept = 0;
  virtual Reply<TypeInfo> info() const noexcept = 0;
  // Validates one target: its configuration section and its own fields (TargetView::fields), the
  // core having checked the shape (TargetShape); Error issues make the target unusable.
  virtual Reply<std::vector<Issue>> checkSection(const Section& section,
                                                 const TargetView& target) const noexcept = 0;
  // Whether one (already checked) student may be declared for the target through this type; a
  // student it is not for is Expected, one whose data stands in the way a Problem.
  virtual Reply<Verdict> eligibility(const StudentView& student, const TargetView& target,
                                     const Section& section) const noexcept = 0;
  // Extra fields of the permission application, in order (empty when not applied for online).
  virtual Reply<std::vector<Field>> applicationFields(const TargetView& target,
                                                      const Section& section) const noexcept = 0;
  // The declaration sheet's columns for the target, in order (standardSheet(scope) and the
  // type's own), then one student's values for the type's own columns (same order).
  virtual Reply<std::vector<SheetColumn>> declarationSheet(const TargetView& target,
                                                           const Section& section) const noexcept = 0;
  virtual Reply<std::vector<std::string>> declarationValues(
      const StudentView& student, const TargetView& target,
      const Section& section) const noexcept = 0;
  // A platform review reason (its code and text) as a sentence for a person, with what to do.
  virtual Reply<Explanation> explainReview(std::string_view code,
                                           std::string_view text) const noexcept = 0;

 protected:
  CertificationType() = default;
  CertificationType(const CertificationType&) = default;
  CertificationType& operator=(const CertificationType&) = default;
};

// What a plugin author writes: override what the type needs; the defaults suit a type with no
// section, no extra rules, no extra fields or columns. Functions may throw: Guarded catches.
class Policy {
 public:
  virtual ~Policy() = default;
  // Must not fail: a constructor does nothing that can; put fallible set-up in init().
  virtual TypeInfo info() const = 0;
  virtual void init() {}  // throw to refuse loading (the message is reported)
  virtual std::vector<Issue> checkSection(const Section& /*section*/,
                                          const TargetView& /*target*/) const {
    return {};
  }
  virtual Verdict eligibility(const StudentView& /*student*/, const TargetView& /*target*/,
                              const Section& /*section*/) const {
    return {};
  }
  virtual std::vector<Field> applicationFields(const TargetView& /*target*/,
                                               const Section& /*section*/) const {
    return {};
  }
  // The platform's template of the type's scope, unchanged; override to add columns after it
  // (or, where the platform's template for the matter differs, to replace some).
  virtual std::vector<SheetColumn> declarationSheet(const TargetView& target,
                                                    const Section& /*section*/) const {
    return standardSheet(target.scope);
  }
  virtual std::vector<std::string> declarationValues(const StudentView& /*student*/,
                                                     const TargetView& /*target*/,
                                                     const Section& /*section*/) const {
    return {};
  }
  // Texts in both languages (tr(), text.hpp); {centrePhone} is filled in by the host.
  virtual Explanation explainReview(std::string_view code, std::string_view text) const {
    return {tr("审核未通过：{text}（{code}）", "the review did not pass: {text} ({code})",
               {{"text", std::string(text)}, {"code", std::string(code)}}),
            tr("按审核意见修改后重新提交；如有疑问请致电市职鉴中心 {centrePhone}",
               "correct what the review says and submit again; for questions call the centre "
               "(市职鉴中心) on {centrePhone}")};
  }

 protected:
  Policy() = default;
  Policy(const Policy&) = default;
  Policy& operator=(const Policy&) = default;
};

// The trampoline: a CertificationType that forwards to a Policy and turns every exception into a
// Reply's error. Also usable in-process (tests) without loading any library.
template <typename P>
class Guarded final : public CertificationType {
 public:
  Guarded() = default;

  Reply<bool> init() noexcept override {
    return call([this] {
      policy_.init();
      return true;
    });
  }
  Reply<TypeInfo> info() const noexcept override {
    return call([this] { return policy_.info(); });
  }
  Reply<std::vector<Issue>> checkSection(const Section& s,
                                         const TargetView& t) const noexcept override {
    return call([&] { return policy_.checkSection(s, t); });
  }
  Reply<Verdict> eligibility(const StudentView& st, const TargetView& t,
                             const Section& s) const noexcept override {
    return call([&] { return policy_.eligibility(st, t, s); });
  }
  Reply<std::vector<Field>> applicationFields(const TargetView& t,
                                              const Section& s) const noexcept override {
    return call([&] { return policy_.applicationFields(t, s); });
  }
  Reply<std::vector<SheetColumn>> declarationSheet(const TargetView& t,
                                                   const Section& s) const noexcept override {
    return call([&] { return policy_.declarationSheet(t, s); });
  }
  Reply<std::vector<std::string>> declarationValues(const StudentView& st, const TargetView& t,
                                                    const Section& s) const noexcept override {
    return call([&] { return policy_.declarationValues(st, t, s); });
  }
  Reply<Explanation> explainReview(std::string_view code,
                                   std::string_view text) const noexcept override {
    return call([&] { return policy_.explainReview(code, text); });
  }

 private:
  template <typename F>
  static auto call(F&& f) noexcept -> Reply<decltype(f())> {
    Reply<decltype(f())> r;
    try {
      r.value = f();
    } catch (const std::exception& e) {
      r.error = e.what();
      if (r.error.empty()) r.error = tr("没有说明的异常", "an exception without a message");
    } catch (...) {
      r.error = tr("未知异常", "an unknown exception");
    }
    return r;
  }

  P policy_;
};

}  // namespace zzjb::plugin
