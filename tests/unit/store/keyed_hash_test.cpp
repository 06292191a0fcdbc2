// The store's keyed hash of ID numbers (adapters/store/secret_key.hpp): KeyedHasher, which hashes
// the key's pads once, gives HMAC-SHA256 exactly — checked against RFC 4231's test vectors, which
// are independent of both implementations.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "secret_key.hpp"

namespace zzjb::store::detail {
namespace {

TEST(KeyedHasher, GivesRfc4231HmacSha256ForShortAndLongKeys) {
  // RFC 4231 test case 2: key "Jefe".
  EXPECT_EQ(KeyedHasher("Jefe").hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key (longer than SHA-256's block: hashed first).
  const std::string longKey(131, '\xaa');
  EXPECT_EQ(KeyedHasher(longKey).hex("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Test case 1: a 20-byte key of 0x0b.
  EXPECT_EQ(KeyedHasher(std::string(20, '\x0b')).hex("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(KeyedHasher, AgreesWithTheOneShotHmacForManyMessagesAndFromSeveralThreads) {
  const std::string key(32, '\x5a');
  KeyedHasher hasher(key);
  std::vector<std::string> messages;
  for (int i = 0; i < 200; ++i) messages.push_back("31010120080101" + std::to_string(1000 + i));
  std::vector<std::string> expected;
  for (const auto& m : messages) expected.push_back(hmacHex(key, m));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < messages.size(); ++i) {
        if (hasher.hex(messages[i]) != expected[i]) ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  EXPECT_NE(hasher.hex("a"), hasher.hex("b"));
}

}  // namespace
}  // namespace zzjb::store::detail
