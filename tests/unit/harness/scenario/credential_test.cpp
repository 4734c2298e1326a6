// Credential references: parsed without echoing what they were given, resolved only on
// request, printed only as the reference.
#include "harness/scenario/credential.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace phonerig::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSecret = "Zq7-s3cret-Value";

class CredentialFile : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("phonerig-credential-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    std::filesystem::path path = folder_ / name;
    std::ofstream(path, std::ios::binary) << content;
    ::chmod(path.c_str(), 0600);
    return path;
  }

  api::Result<std::string> resolve(const std::string& reference) {
    return Credential::parse(reference, folder_).value().resolve();
  }

  std::filesystem::path folder_;
};

TEST(Credential, ParsesEnvReference) {
  auto credential = Credential::parse("env:SNMP_COMMUNITY");
  ASSERT_TRUE(credential.has_value());
  EXPECT_EQ(credential->kind(), Credential::Kind::env);
  EXPECT_EQ(credential->name(), "SNMP_COMMUNITY");
  EXPECT_EQ(credential->to_string(), "env:SNMP_COMMUNITY");
}

TEST(Credential, ParsesFileReferenceRelativeToTheBaseFolder) {
  auto credential = Credential::parse("file:secrets/community", "/srv/lab");
  ASSERT_TRUE(credential.has_value());
  EXPECT_EQ(credential->kind(), Credential::Kind::file);
  EXPECT_EQ(credential->name(), "secrets/community");
  EXPECT_EQ(credential->file_path(), "/srv/lab/secrets/community");
  EXPECT_EQ(credential->to_string(), "file:secrets/community");
  EXPECT_EQ(Credential::parse("file:/run/secrets/snmp", "/srv/lab")->file_path(),
            "/run/secrets/snmp");
}

TEST(Credential, RejectsInlineValueWithoutRepeatingIt) {
  for (const std::string& inline_value :
       std::vector<std::string>{kSecret, "ENV:X", "environment:X", ""}) {
    auto credential = Credential::parse(inline_value);
    ASSERT_FALSE(credential.has_value()) << inline_value;
    EXPECT_EQ(credential.error().fault, api::Fault::config);
    EXPECT_EQ(credential.error().message,
              "credentials must be references (env:NAME or file:PATH), not inline values");
  }
}

TEST(Credential, RejectsMalformedReferencesWithoutRepeatingThem) {
  for (const std::string& reference :
       std::vector<std::string>{"env:", "env:1ABC", "env:" + kSecret, "env:A B"}) {
    auto credential = Credential::parse(reference);
    ASSERT_FALSE(credential.has_value()) << reference;
    EXPECT_EQ(credential.error().message,
              "env: reference needs a variable name of letters, digits and '_', not starting "
              "with a digit");
  }
  EXPECT_EQ(Credential::parse("file:").error().message, "file: reference needs a path");
}

TEST(Credential, ResolvesEnvironmentVariable) {
  ASSERT_EQ(::setenv("PHONERIG_TEST_CREDENTIAL", kSecret.c_str(), 1), 0);
  EXPECT_EQ(Credential::parse("env:PHONERIG_TEST_CREDENTIAL")->resolve().value(), kSecret);
  ::unsetenv("PHONERIG_TEST_CREDENTIAL");
}

TEST(Credential, ReportsUnsetOrEmptyVariableByItsReference) {
  ::unsetenv("PHONERIG_TEST_UNSET");
  auto unset = Credential::parse("env:PHONERIG_TEST_UNSET")->resolve();
  ASSERT_FALSE(unset.has_value());
  EXPECT_EQ(unset.error().fault, api::Fault::config);
  EXPECT_EQ(unset.error().message,
            "credential env:PHONERIG_TEST_UNSET: environment variable PHONERIG_TEST_UNSET is "
            "not set");
  ASSERT_EQ(::setenv("PHONERIG_TEST_EMPTY", "", 1), 0);
  EXPECT_EQ(Credential::parse("env:PHONERIG_TEST_EMPTY")->resolve().error().message,
            "credential env:PHONERIG_TEST_EMPTY: environment variable PHONERIG_TEST_EMPTY is "
            "empty");
  ::unsetenv("PHONERIG_TEST_EMPTY");
}

TEST_F(CredentialFile, StripsOneTrailingNewlineOnly) {
  write("lf", kSecret + "\n");
  write("crlf", kSecret + "\r\n");
  write("bare", kSecret);
  write("two", kSecret + "\n\n");
  write("inner", "line one\nline two\n");
  write("spaces", " " + kSecret + " \n");
  EXPECT_EQ(resolve("file:lf").value(), kSecret);
  EXPECT_EQ(resolve("file:crlf").value(), kSecret);
  EXPECT_EQ(resolve("file:bare").value(), kSecret);
  EXPECT_EQ(resolve("file:two").value(), kSecret + "\n");
  EXPECT_EQ(resolve("file:inner").value(), "line one\nline two");
  EXPECT_EQ(resolve("file:spaces").value(), " " + kSecret + " ");
}

TEST_F(CredentialFile, ResolvesAbsolutePath) {
  auto path = write("absolute", kSecret + "\n");
  EXPECT_EQ(Credential::parse("file:" + path.string(), "/nonexistent")->resolve().value(), kSecret);
}

TEST_F(CredentialFile, ReportsMissingFileByReferenceAndPath) {
  auto missing = resolve("file:nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            "credential file:nope: " + (folder_ / "nope").string() + ": No such file or directory");
}

TEST_F(CredentialFile, RefusesEmptyFileDirectoryAndOversizeFile) {
  write("empty", "");
  write("newline-only", "\n");
  write("huge", std::string(Credential::kMaxFileSize + 1, 'x'));
  std::filesystem::create_directory(folder_ / "dir");
  EXPECT_EQ(resolve("file:empty").error().message,
            "credential file:empty: " + (folder_ / "empty").string() + ": the file is empty");
  EXPECT_EQ(resolve("file:newline-only").error().message,
            "credential file:newline-only: " + (folder_ / "newline-only").string() +
                ": the file is empty");
  EXPECT_EQ(resolve("file:dir").error().message,
            "credential file:dir: " + (folder_ / "dir").string() + ": not a regular file");
  EXPECT_EQ(resolve("file:huge").error().message,
            "credential file:huge: " + (folder_ / "huge").string() +
                ": larger than 64 KiB; a credential file holds one secret");
}

// The documented choice in credential.hpp: permissions are not checked, since container
// secret mounts are 0444/0644.
TEST_F(CredentialFile, AcceptsAWorldReadableFile) {
  auto path = write("shared", kSecret + "\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(resolve("file:shared").value(), kSecret);
}

TEST_F(CredentialFile, PrintsOnlyTheReference) {
  write("community", kSecret + "\n");
  ASSERT_EQ(::setenv("PHONERIG_TEST_PRINTED", kSecret.c_str(), 1), 0);
  for (std::string reference : {"file:community", "env:PHONERIG_TEST_PRINTED"}) {
    Credential credential = Credential::parse(reference, folder_).value();
    ASSERT_EQ(credential.resolve().value(), kSecret);
    std::ostringstream streamed;
    streamed << credential;
    EXPECT_EQ(streamed.str(), reference);
    EXPECT_EQ(credential.to_string(), reference);
    EXPECT_EQ(::testing::PrintToString(credential), reference);
  }
  ::unsetenv("PHONERIG_TEST_PRINTED");
}

TEST_F(CredentialFile, NeverPutsTheValueIntoAnError) {
  // Failed reads name the reference and the path; no byte of a secret reaches a message.
  write("unreadable", kSecret);
  ASSERT_EQ(::chmod((folder_ / "unreadable").c_str(), 0), 0);
  for (std::string reference : {"file:unreadable", "file:missing", "env:UNSET_X"}) {
    auto resolved = Credential::parse(reference, folder_)->resolve();
    if (resolved.has_value()) continue;  // root reads a mode-0 file; nothing to check then
    EXPECT_THAT(resolved.error().message, Not(HasSubstr(kSecret))) << reference;
    EXPECT_THAT(resolved.error().message, HasSubstr(reference));
  }
}

}  // namespace
}  // namespace phonerig::scenario
