// zzjb-mock served in-process (in_process.hpp).
#include "in_process.hpp"

#include <atomic>
#include <future>
#include <stop_token>
#include <thread>
#include <utility>

#include "server.hpp"
#include "tls.hpp"

namespace zzjb::mock {

struct InProcessPlatform::Impl {
  explicit Impl(PlatformOptions options) : platform(std::move(options)) {}
  Platform platform;
  std::string certificatePem;
  std::uint16_t port = 0;
  std::stop_source stop;
  std::thread thread;
  std::atomic<unsigned long> requests{0};
};

std::expected<std::unique_ptr<InProcessPlatform>, std::string> InProcessPlatform::start(
    PlatformOptions options) {
  auto tls = makeSelfSignedCertificate(1);
  if (!tls) return std::unexpected(tls.error());
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(std::move(options));  // throws on an unreadable catalog or CA
  } catch (const std::exception& e) {
    return std::unexpected(std::string(e.what()));
  }
  impl->certificatePem = tls->certificatePem;

  ServerOptions server;
  server.port = 0;
  server.certificatePem = tls->certificatePem;
  server.privateKeyPem = tls->privateKeyPem;
  server.threads = 1;
  server.handleSignals = false;  // the host program's signals stay its own
  server.stop = impl->stop.get_token();
  server.shutdownGrace = std::chrono::milliseconds(500);
  auto listening = std::make_shared<std::promise<std::expected<std::uint16_t, std::string>>>();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  server.onListening = [listening, answered](std::uint16_t port) {
    if (!answered->exchange(true)) listening->set_value(port);
  };
  auto result = listening->get_future();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw, server = std::move(server), listening, answered] {
    auto served = serve(raw->platform, server);
    if (!served && !answered->exchange(true)) {
      listening->set_value(std::unexpected(served.error().message));
    }
  });
  auto port = result.get();
  if (!port) {
    impl->stop.request_stop();
    impl->thread.join();
    return std::unexpected(port.error());
  }
  impl->port = *port;
  return std::unique_ptr<InProcessPlatform>(new InProcessPlatform(std::move(impl)));
}

InProcessPlatform::InProcessPlatform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

InProcessPlatform::~InProcessPlatform() {
  impl_->stop.request_stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string InProcessPlatform::baseUrl() const {
  return "https://127.0.0.1:" + std::to_string(impl_->port);  // not-text: a URL
}

const std::string& InProcessPlatform::certificatePem() const { return impl_->certificatePem; }

Response InProcessPlatform::call(const std::string& method, const std::string& target,
                                 const std::string& body) {
  Request request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!body.empty()) request.headers["Content-Type"] = "application/json";
  request.loopback = true;
  return impl_->platform.handle(request, "kit-" + std::to_string(++impl_->requests));
}

}  // namespace zzjb::mock
