#include "drivers/services/http/responder.hpp"

#include <gtest/gtest.h>

namespace phonerig::services::http {
namespace {

namespace wh = wire::http;

std::string text(const wire::ByteVector& bytes) { return std::string(bytes.begin(), bytes.end()); }

class HttpResponder : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *files::FileStore::open({});
    store_->set("SEP001E4A93748B.cnf.xml", files::make_content("<device/>"));
  }
  Answer get(std::string target, std::string method = "GET", int missing = 404) {
    wh::Request request = wh::make_get(std::move(target), "198.18.0.1:6970");
    request.method = std::move(method);
    return answer(request, *store_, ResponderOptions{missing});
  }
  std::shared_ptr<files::FileStore> store_;
};

TEST_F(HttpResponder, AnswersAFileAsCucmDoes) {
  Answer a = get("/SEP001E4A93748B.cnf.xml");
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.is_get);
  EXPECT_TRUE(a.keep_alive);
  EXPECT_EQ(a.path, "/SEP001E4A93748B.cnf.xml");
  EXPECT_EQ(a.content_length, 9u);
  ASSERT_TRUE(a.body);
  EXPECT_EQ(text(wire::ByteVector(a.body->bytes().begin(), a.body->bytes().end())), "<device/>");
  // The head parses as a response whose body is the 9 bytes that follow.
  wire::ByteVector whole = a.head;
  whole.insert(whole.end(), a.body->bytes().begin(), a.body->bytes().end());
  auto response = wh::parse_response(whole);
  ASSERT_TRUE(response) << response.error().what;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(*response->headers.find("content-length"), "9");
  EXPECT_EQ(*response->headers.find("cache-control"), "no-store");
  EXPECT_EQ(*response->headers.find("content-type"), "*/*");
  EXPECT_EQ(text(response->body), "<device/>");
}

TEST_F(HttpResponder, HeadGivesTheLengthWithoutABody) {
  Answer a = get("/SEP001E4A93748B.cnf.xml", "HEAD");
  EXPECT_EQ(a.status, 200);
  EXPECT_FALSE(a.is_get);
  EXPECT_FALSE(a.body);
  EXPECT_NE(text(a.head).find("Content-length: 9\r\n"), std::string::npos);
}

TEST_F(HttpResponder, AMissingFileIs404ByDefault) {
  Answer a = get("/CTLSEP001E4A93748B.tlv");
  EXPECT_EQ(a.status, 404);
  EXPECT_FALSE(a.body);
  ASSERT_TRUE(a.missing);
  EXPECT_EQ(a.missing->refusal, files::Refusal::not_found);
  EXPECT_TRUE(a.keep_alive);
  auto response = wh::parse_response(a.head);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->reason, "Not Found");
}

TEST_F(HttpResponder, AMissingFileIs503WhenConfiguredLikeCucm) {
  Answer a = get("/CTLSEP001E4A93748B.tlv", "GET", 503);
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(text(a.head).rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
}

TEST_F(HttpResponder, ASignedNameIsMissing) {
  Answer a = get("/SEP001E4A93748B.cnf.xml.sgn");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.missing->refusal, files::Refusal::signed_not_provided);
}

TEST_F(HttpResponder, ATraversalIsForbidden) {
  for (const char* target : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/a/%2E%2E/%2e%2e/x",
                             "/..%5cetc%5cpasswd", "//etc/passwd"}) {
    Answer a = get(target);
    EXPECT_EQ(a.status, 403) << target;
    ASSERT_TRUE(a.missing) << target;
    EXPECT_EQ(a.missing->refusal, files::Refusal::outside_root) << target;
  }
}

TEST_F(HttpResponder, AnUndecodableTargetIs400) {
  EXPECT_EQ(get("/a%zz").status, 400);
  EXPECT_EQ(get("/a%00b").status, 400);
}

TEST_F(HttpResponder, TheQueryIsIgnored) {
  EXPECT_EQ(get("/SEP001E4A93748B.cnf.xml?x=1").status, 200);
}

TEST_F(HttpResponder, OtherMethodsAre405WithAllow) {
  Answer a = get("/SEP001E4A93748B.cnf.xml", "POST");
  EXPECT_EQ(a.status, 405);
  EXPECT_NE(text(a.head).find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST_F(HttpResponder, ConnectionCloseIsHonoured) {
  wh::Request request = wh::make_get("/SEP001E4A93748B.cnf.xml", "h");
  request.headers.add("Connection", "close");
  Answer a = answer(request, *store_, {});
  EXPECT_FALSE(a.keep_alive);
  EXPECT_NE(text(a.head).find("Connection: close\r\n"), std::string::npos);
}

TEST_F(HttpResponder, Http10ClosesUnlessKeepAliveIsAsked) {
  wh::Request request = wh::make_get("/SEP001E4A93748B.cnf.xml", "h");
  request.version_minor = 0;
  EXPECT_FALSE(answer(request, *store_, {}).keep_alive);
  request.headers.add("Connection", "keep-alive");
  EXPECT_TRUE(answer(request, *store_, {}).keep_alive);
}

TEST_F(HttpResponder, AMalformedRequestIs400AndCloses) {
  Answer a = answer_malformed();
  EXPECT_EQ(a.status, 400);
  EXPECT_FALSE(a.keep_alive);
  auto response = wh::parse_response(a.head);
  ASSERT_TRUE(response);
  EXPECT_EQ(*response->headers.find("connection"), "close");
}

TEST(HttpBuildHead, SetsTheContentLengthOfABodySentApart) {
  wh::Response response = wh::make_file_response({});
  const std::string head = text(build_head(response, 41943040));
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nContent-length: 41943040\r\nCache-Control: no-store\r\n"
            "Content-type: */*\r\n\r\n");
}

}  // namespace
}  // namespace phonerig::services::http
