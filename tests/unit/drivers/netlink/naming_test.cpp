#include "drivers/netlink/naming.hpp"

#include <gtest/gtest.h>

#include "drivers/netlink/error.hpp"

namespace phonerig::netlink {
namespace {

TEST(NetlinkNaming, PutsThePrefixBeforeTheLogicalName) {
  auto naming = Naming::make("nl4f2a-");
  ASSERT_TRUE(naming);
  EXPECT_EQ(naming->link("port1").value(), "nl4f2a-port1");
  EXPECT_EQ(naming->netns("switch").value(), "nl4f2a-switch");
}

TEST(NetlinkNaming, RefusesALinkNameOverFifteenCharacters) {
  auto naming = Naming::make("nl4f2a-");
  auto name = naming->link("voice-100");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().fault, api::Fault::config);
  EXPECT_EQ(name.error().message,
            "name link 'nl4f2a-voice-100': the name has 16 characters, the kernel takes 15");
}

TEST(NetlinkNaming, AcceptsExactlyFifteenCharacters) {
  auto naming = Naming::make("nl4f2a-");
  EXPECT_EQ(naming->link("voice-10").value(), "nl4f2a-voice-10");
}

TEST(NetlinkNaming, RefusesCharactersTheKernelRefusesInInterfaceNames) {
  auto naming = Naming::make("p-");
  for (const char* bad : {"a/b", "a:b", "a b"}) {
    auto name = naming->link(bad);
    ASSERT_FALSE(name) << bad;
    EXPECT_EQ(name.error().message, "name link 'p-" + std::string(bad) +
                                        "': the kernel refuses '/', ':', NUL and whitespace "
                                        "in interface names");
  }
}

TEST(NetlinkNaming, RefusesASlashInANamespaceName) {
  auto naming = Naming::make("p-");
  auto name = naming->netns("../etc");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().message,
            "name netns 'p-../etc': a namespace name is a file name under /run/netns: no '/' or "
            "NUL");
}

TEST(NetlinkNaming, RefusesAPrefixWithUppercaseOrTooLong) {
  EXPECT_EQ(Naming::make("Lab-").error().message,
            "name prefix 'Lab-': a prefix uses only a-z, 0-9 and '-'");
  EXPECT_EQ(Naming::make("abcdefghijk").error().message,
            "name prefix 'abcdefghijk': a prefix has 1-10 characters");
  EXPECT_FALSE(Naming::make(""));
}

TEST(NetlinkNaming, RandomPrefixIsTheStemFourBase36CharactersAndADash) {
  std::string prefix = Naming::random_prefix("nl");
  ASSERT_EQ(prefix.size(), 7u);
  EXPECT_EQ(prefix.substr(0, 2), "nl");
  EXPECT_EQ(prefix.back(), '-');
  EXPECT_TRUE(Naming::make(prefix));
}

TEST(NetlinkErrors, NameErrnoAndSayWhichErrnoTheyCameFrom) {
  api::Error error = os_error("create", "vlan link 'x'", EOPNOTSUPP, "Unknown device type");
  EXPECT_EQ(error.fault, api::Fault::rig);
  EXPECT_EQ(error.message,
            "create vlan link 'x': Operation not supported [EOPNOTSUPP]; kernel: Unknown device "
            "type");
  EXPECT_TRUE(failed_with(error, EOPNOTSUPP));
  EXPECT_FALSE(failed_with(error, ENOENT));
}

}  // namespace
}  // namespace phonerig::netlink
