#include "drivers/services/files/file_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace phonerig::services::files {
namespace {

namespace fs = std::filesystem;

// A scratch folder: root/ with files, and a secret beside it that no name may reach.
class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("phonerig-files-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "Desktops" / "320x212x12");
    write(base_ / "root" / "sip88xx.12-0-1.loads", "load");
    write(base_ / "root" / "Desktops" / "320x212x12" / "List.xml", "<CiscoIPPhoneImageList/>");
    write(base_ / "root" / "signed.cnf.xml.sgn", "signed");
    write(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", base_ / "root" / "escape.txt");
    fs::create_symlink("sip88xx.12-0-1.loads", base_ / "root" / "alias.loads");
    fs::create_symlink(base_, base_ / "root" / "up");
    auto store = FileStore::open(base_ / "root");
    ASSERT_TRUE(store) << store.error().message;
    store_ = *store;
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }

  static std::string text_of(const File& file) {
    std::string out(file.size(), '\0');
    auto read = file.read(0, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.data()),
                                                     out.size()));
    EXPECT_TRUE(read);
    return out;
  }

  Refusal refusal_of(std::string_view name) {
    Lookup found = store_->lookup(name);
    EXPECT_FALSE(found) << name << " was served";
    return found ? Refusal::not_found : found.error().refusal;
  }

  fs::path base_;
  std::shared_ptr<FileStore> store_;
};

TEST_F(FileStoreTest, ServesARootFileWithItsSize) {
  Lookup found = store_->lookup("sip88xx.12-0-1.loads");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 4u);
  EXPECT_FALSE(found->is_virtual());
  EXPECT_EQ(text_of(*found), "load");
}

TEST_F(FileStoreTest, StripsTheLeadingSlashOfAnHttpTarget) {
  Lookup found = store_->lookup("/sip88xx.12-0-1.loads");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name(), "sip88xx.12-0-1.loads");
}

TEST_F(FileStoreTest, ServesAFileInASubfolder) {
  Lookup found = store_->lookup("Desktops/320x212x12/List.xml");
  ASSERT_TRUE(found);
  EXPECT_EQ(text_of(*found), "<CiscoIPPhoneImageList/>");
}

TEST_F(FileStoreTest, NormalizesDotAndEmptyComponents) {
  Lookup found = store_->lookup("./Desktops//320x212x12/./List.xml");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name(), "Desktops/320x212x12/List.xml");
}

TEST_F(FileStoreTest, FollowsASymlinkThatStaysInsideTheRoot) {
  Lookup found = store_->lookup("alias.loads");
  ASSERT_TRUE(found);
  EXPECT_EQ(text_of(*found), "load");
}

TEST_F(FileStoreTest, RefusesADotDotComponent) {
  EXPECT_EQ(refusal_of("../secret.txt"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("../etc/passwd"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("Desktops/../../secret.txt"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("Desktops/.."), Refusal::outside_root);
}

TEST_F(FileStoreTest, RefusesAnAbsolutePathAfterTheOneLeadingSlash) {
  EXPECT_EQ(refusal_of("//etc/passwd"), Refusal::outside_root);
  // One leading '/' is the HTTP target's: /etc/passwd names root/etc/passwd, absent here.
  EXPECT_EQ(refusal_of("/etc/passwd"), Refusal::not_found);
}

TEST_F(FileStoreTest, RefusesBackslashTricks) {
  EXPECT_EQ(refusal_of("..\\secret.txt"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("Desktops\\..\\..\\secret.txt"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("\\etc\\passwd"), Refusal::outside_root);
}

TEST_F(FileStoreTest, RefusesNulAndControlCharacters) {
  EXPECT_EQ(refusal_of(std::string_view("alias.loads\0.txt", 16)), Refusal::outside_root);
  EXPECT_EQ(refusal_of("alias\n.loads"), Refusal::outside_root);
}

TEST_F(FileStoreTest, RefusesASymlinkThatEscapesTheRoot) {
  EXPECT_EQ(refusal_of("escape.txt"), Refusal::outside_root);
  EXPECT_EQ(refusal_of("up/secret.txt"), Refusal::outside_root);
}

TEST_F(FileStoreTest, AnswersNotFoundForAnAbsentFileAndAFolder) {
  EXPECT_EQ(refusal_of("CTLSEP001E4A93748B.tlv"), Refusal::not_found);
  EXPECT_EQ(refusal_of("Desktops"), Refusal::not_found);
  EXPECT_EQ(refusal_of(""), Refusal::not_found);
  EXPECT_EQ(refusal_of("/"), Refusal::not_found);
}

TEST_F(FileStoreTest, AnswersSignedNameNotProvidedForAnAbsentSgn) {
  EXPECT_EQ(refusal_of("SEP001E4A93748B.cnf.xml.sgn"), Refusal::signed_not_provided);
  EXPECT_EQ(to_string(Refusal::signed_not_provided), "signed name not provided");
}

TEST_F(FileStoreTest, ServesAnSgnThatExists) {
  EXPECT_TRUE(store_->lookup("signed.cnf.xml.sgn"));
  ASSERT_TRUE(store_->set("SEP001E4A93748B.cnf.xml.sgn", make_content("virtual signed")));
  EXPECT_TRUE(store_->lookup("SEP001E4A93748B.cnf.xml.sgn"));
}

TEST_F(FileStoreTest, ServesAVirtualFileWithoutCopyingIt) {
  Content content = make_content("<device/>");
  ASSERT_TRUE(store_->set("SEP001E4A93748B.cnf.xml", content));
  Lookup found = store_->lookup("/SEP001E4A93748B.cnf.xml");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->is_virtual());
  EXPECT_EQ(found->bytes().data(), content->data());
  EXPECT_EQ(text_of(*found), "<device/>");
}

TEST_F(FileStoreTest, AVirtualFileShadowsARootFileOfTheSameName) {
  ASSERT_TRUE(store_->set("sip88xx.12-0-1.loads", make_content("generated")));
  EXPECT_EQ(text_of(*store_->lookup("sip88xx.12-0-1.loads")), "generated");
  EXPECT_TRUE(store_->remove("sip88xx.12-0-1.loads"));
  EXPECT_EQ(text_of(*store_->lookup("sip88xx.12-0-1.loads")), "load");
  EXPECT_FALSE(store_->remove("sip88xx.12-0-1.loads"));
}

TEST_F(FileStoreTest, ReplacingAVirtualFileLeavesAnOpenReaderItsBytes) {
  ASSERT_TRUE(store_->set("SEP001E4A93748B.cnf.xml", make_content("first")));
  Lookup open = store_->lookup("SEP001E4A93748B.cnf.xml");
  ASSERT_TRUE(store_->set("SEP001E4A93748B.cnf.xml", make_content("second")));
  EXPECT_EQ(text_of(*open), "first");
  EXPECT_EQ(text_of(*store_->lookup("SEP001E4A93748B.cnf.xml")), "second");
}

TEST_F(FileStoreTest, RefusesToStoreAVirtualFileUnderAnEscapingName) {
  EXPECT_FALSE(store_->set("../evil", make_content("x")));
  EXPECT_FALSE(store_->set("a\\b", make_content("x")));
  EXPECT_TRUE(store_->virtual_names().empty());
}

TEST_F(FileStoreTest, VirtualFilesAreSafeToChangeFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string name = "SEP00000000000" + std::to_string(t) + ".cnf.xml";
        store_->set(name, make_content(std::to_string(i)));
        Lookup found = store_->lookup(name);
        EXPECT_TRUE(found);
        if (i % 2 == 0) store_->remove(name);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store_->virtual_names().size(), 4u);
}

TEST_F(FileStoreTest, ReadsFromAnOffsetAndStopsAtTheEnd) {
  Lookup found = store_->lookup("sip88xx.12-0-1.loads");
  ASSERT_TRUE(found);
  std::uint8_t out[8] = {};
  auto read = found->read(2, out);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, 2u);
  EXPECT_EQ(out[0], 'a');
  EXPECT_EQ(*found->read(4, out), 0u);
}

TEST(FileStoreOpen, RefusesAMissingRoot) {
  auto store = FileStore::open("/nonexistent/phonerig/root");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().fault, api::Fault::config);
  EXPECT_NE(store.error().message.find("/nonexistent/phonerig/root"), std::string::npos);
}

TEST(FileStoreOpen, AStoreWithoutRootServesOnlyVirtualFiles) {
  auto store = FileStore::open({});
  ASSERT_TRUE(store);
  EXPECT_FALSE((*store)->lookup("etc/passwd"));
  (*store)->set("XMLDefault.cnf.xml", make_content("<Default/>"));
  EXPECT_TRUE((*store)->lookup("XMLDefault.cnf.xml"));
}

TEST(PhoneOf, FindsTheMacInCiscoFileNames) {
  const auto mac = wire::Mac::parse("00:1e:4a:93:74:8b");
  EXPECT_EQ(phone_of("SEP001E4A93748B.cnf.xml"), mac);
  EXPECT_EQ(phone_of("CTLSEP001E4A93748B.tlv"), mac);
  EXPECT_EQ(phone_of("ITLSEP001E4A93748B.tlv"), mac);
  EXPECT_EQ(phone_of("/SEP001E4A93748B.cnf.xml.sgn"), mac);
  EXPECT_FALSE(phone_of("XMLDefault.cnf.xml"));
  EXPECT_FALSE(phone_of("SEP001E4A93748.cnf.xml"));
  EXPECT_FALSE(phone_of("SEP001E4A93748BA.cnf.xml"));
}

}  // namespace
}  // namespace phonerig::services::files
