// HTTP/1.1 codec: the streaming parsers (complete / need more / error, with the bytes
// consumed), body framing by Content-Length, chunked and connection close, the limits, the
// builders and CUCM's file response (reference section 6), target decoding, and the exact
// error of each malformed message.
#include "drivers/wire/http.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

ByteVector bytes_of(std::string_view text) {
  Bytes raw = as_bytes(text);
  return ByteVector(raw.begin(), raw.end());
}

std::string text_of(const ByteVector& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

ParseError request_error(std::string_view text, http::Limits limits = {}) {
  auto result = http::parse_request(as_bytes(text), limits);
  if (result) {
    ADD_FAILURE() << "parsed a malformed request: " << text;
    return {};
  }
  return result.error();
}

ParseError response_error(std::string_view text, http::Limits limits = {}) {
  auto result = http::parse_response(as_bytes(text), limits);
  if (result) {
    ADD_FAILURE() << "parsed a malformed response: " << text;
    return {};
  }
  return result.error();
}

constexpr std::string_view kPhoneGet =
    "GET /SEPC80084AA8743.cnf.xml HTTP/1.1\r\nHost: 198.18.0.1:6970\r\nConnection: close\r\n\r\n";

// ---------------------------------------------------------------------------------------
// Requests

TEST(HttpRequestParse, ReadsThePhonesConfigFileGet) {
  auto request = http::parse_request(as_bytes(kPhoneGet));
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->target, "/SEPC80084AA8743.cnf.xml");
  EXPECT_EQ(request->version_minor, 1);
  ASSERT_EQ(request->headers.items.size(), 2u);
  EXPECT_EQ(request->headers.items[0], (http::Header{"Host", "198.18.0.1:6970"}));
  EXPECT_EQ(*request->headers.find("HOST"), "198.18.0.1:6970");
  EXPECT_EQ(request->headers.find("accept"), nullptr);
  EXPECT_TRUE(request->body.empty());
  EXPECT_FALSE(http::keep_alive(*request));
}

TEST(HttpRequestParse, CompletesOnTheLastByteWhenFedOneByteAtATime) {
  http::RequestParser parser;
  for (std::size_t i = 0; i < kPhoneGet.size(); ++i) {
    http::FeedResult result = parser.feed(as_bytes(kPhoneGet.substr(i, 1)));
    ASSERT_FALSE(result.failed()) << result.error.to_string();
    EXPECT_EQ(result.consumed, 1u);
    EXPECT_EQ(result.complete(), i + 1 == kPhoneGet.size()) << i;
  }
  EXPECT_EQ(parser.request().target, "/SEPC80084AA8743.cnf.xml");
  EXPECT_TRUE(parser.feed(as_bytes("GET")).complete()); // until reset(), nothing more is read
}

TEST(HttpRequestParse, ConsumesOnlyTheFirstOfTwoPipelinedRequests) {
  std::string first = "POST /upload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  std::string both = first + std::string(kPhoneGet);
  http::RequestParser parser;
  http::FeedResult result = parser.feed(as_bytes(both));
  ASSERT_TRUE(result.complete());
  EXPECT_EQ(result.consumed, first.size());
  EXPECT_EQ(parser.request().body, bytes_of("hello"));
  parser.reset();
  result = parser.feed(as_bytes(both).subspan(first.size()));
  ASSERT_TRUE(result.complete());
  EXPECT_EQ(result.consumed, kPhoneGet.size());
  EXPECT_EQ(parser.take().target, "/SEPC80084AA8743.cnf.xml");
}

TEST(HttpRequestParse, ReadsHttp10AndIgnoresAnEmptyLineBeforeTheRequestLine) {
  auto request = http::parse_request(as_bytes("\r\nGET /a HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->version_minor, 0);
  EXPECT_FALSE(http::keep_alive(*request));
  request->headers.add("Connection", "Keep-Alive");
  EXPECT_TRUE(http::keep_alive(*request));
}

TEST(HttpRequestParse, TrimsFieldValuesAndAcceptsAnEmptyValue) {
  auto request = http::parse_request(as_bytes("GET / HTTP/1.1\r\nA:  x y \t\r\nB:\r\n\r\n"));
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(*request->headers.find("a"), "x y");
  EXPECT_EQ(*request->headers.find("b"), "");
}

TEST(HttpRequestParse, AcceptsAContentLengthListOfEqualValues) {
  auto request = http::parse_request(
      as_bytes("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\nabc"));
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->body, bytes_of("abc"));
}

// ---------------------------------------------------------------------------------------
// Responses

TEST(HttpResponseParse, ReadsABodyByContentLength) {
  auto response = http::parse_response(
      as_bytes("HTTP/1.1 200 OK\r\nContent-length: 4\r\nCache-Control: no-store\r\n\r\n<x/>"));
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->reason, "OK");
  EXPECT_EQ(*response->headers.find("content-length"), "4");
  EXPECT_EQ(response->body, bytes_of("<x/>"));
}

constexpr std::string_view kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4;name=value\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";

TEST(HttpResponseParse, DecodesAChunkedBodyWithExtensionsAndTrailers) {
  auto response = http::parse_response(as_bytes(kChunked));
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(text_of(response->body), "Wikipedia in \r\n\r\nchunks.");
  ASSERT_EQ(response->trailers.items.size(), 1u);
  EXPECT_EQ(response->trailers.items[0], (http::Header{"Expires", "never"}));
}

TEST(HttpResponseParse, GivesTheSameChunkedResponseWhereverTheBytesAreSplit) {
  auto whole = http::parse_response(as_bytes(kChunked));
  ASSERT_TRUE(whole);
  for (std::size_t split = 0; split <= kChunked.size(); ++split) {
    http::ResponseParser parser;
    http::FeedResult first = parser.feed(as_bytes(kChunked.substr(0, split)));
    ASSERT_EQ(first.complete(), split == kChunked.size()) << split;
    if (!first.complete()) {
      http::FeedResult second = parser.feed(as_bytes(kChunked.substr(split)));
      ASSERT_TRUE(second.complete()) << split;
      EXPECT_EQ(second.consumed, kChunked.size() - split);
    }
    EXPECT_EQ(parser.response(), *whole) << split;
  }
}

TEST(HttpResponseParse, UsesChunkedWhenItIsTheLastTransferCoding) {
  auto response = http::parse_response(
      as_bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"));
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(response->body, bytes_of("ab"));
}

TEST(HttpResponseParse, ReadsToConnectionCloseWithoutLength) {
  http::ResponseParser parser;
  std::string_view text = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it";
  http::FeedResult result = parser.feed(as_bytes(text));
  EXPECT_TRUE(result.need_more());
  EXPECT_EQ(result.consumed, text.size());
  EXPECT_TRUE(parser.finish().complete());
  EXPECT_EQ(parser.response().version_minor, 0);
  EXPECT_EQ(parser.response().body, bytes_of("all of it"));
}

TEST(HttpResponseParse, Reads204And304AndHeadAnswersWithoutBody) {
  for (std::string_view text : {"HTTP/1.1 204 No Content\r\n\r\n",
                                "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"}) {
    http::ResponseParser parser;
    http::FeedResult result = parser.feed(as_bytes(text));
    EXPECT_TRUE(result.complete()) << text;
    EXPECT_EQ(result.consumed, text.size());
  }
  http::ResponseParser parser;
  parser.expect_no_body();
  EXPECT_TRUE(parser.feed(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n")).complete());
}

TEST(HttpResponseParse, ToleratesAStatusLineWithoutReason) {
  auto response = http::parse_response(as_bytes("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->reason, "");
}

// ---------------------------------------------------------------------------------------
// Malformed messages: the exact error of each

TEST(HttpMalformed, RejectsARequestLineWithoutVersion) {
  EXPECT_EQ(request_error("GET /\r\n\r\n"),
            (ParseError{0, "request line: \"GET /\" is not <method> SP <target> SP <version>"}));
}

TEST(HttpMalformed, RejectsAMethodThatIsNotAToken) {
  EXPECT_EQ(request_error("G@T / HTTP/1.1\r\n\r\n"),
            (ParseError{1, "method: \"G@T\" is not a token"}));
}

TEST(HttpMalformed, RejectsAnEmptyTarget) {
  EXPECT_EQ(request_error("GET  HTTP/1.1\r\n\r\n"),
            (ParseError{4, "request target: \"\" is empty or has a byte outside VCHAR"}));
}

TEST(HttpMalformed, RejectsHttp2AndAMalformedVersion) {
  EXPECT_EQ(request_error("GET / HTTP/2.0\r\n\r\n"),
            (ParseError{6, "version: HTTP/2.0 is not supported (HTTP/1.0 or HTTP/1.1)"}));
  EXPECT_EQ(request_error("GET / HTTP/1.10\r\n\r\n"),
            (ParseError{6, "version: \"HTTP/1.10\" is not HTTP/<digit>.<digit>"}));
  EXPECT_EQ(response_error("HTTP/1.1200 OK\r\n\r\n"),
            (ParseError{0, "version: \"HTTP/1.1200\" is not HTTP/<digit>.<digit>"}));
}

TEST(HttpMalformed, RejectsAHeaderWithoutColon) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost\r\n\r\n"),
            (ParseError{16, "header: \"Host\" has no colon"}));
}

TEST(HttpMalformed, RejectsWhitespaceBeforeTheColon) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
            (ParseError{20, "header: name \"Host \" has whitespace before the colon"}));
}

TEST(HttpMalformed, RejectsObsFold) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n"),
            (ParseError{24, "header: obs-fold (a line starting with whitespace) is rejected"}));
}

TEST(HttpMalformed, RejectsAControlByteInAValue) {
  EXPECT_EQ(request_error(std::string_view("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29)),
            (ParseError{23, "header \"Host\": control byte in the value"}));
}

TEST(HttpMalformed, RejectsABareLfAndABareCr) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\nHost: a\r\n\r\n"),
            (ParseError{14, "line: bare LF (lines end in CRLF)"}));
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
            (ParseError{23, "line: bare CR"}));
}

TEST(HttpMalformed, RejectsAHeaderSectionLongerThan16KiB) {
  std::string text = "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n";
  EXPECT_EQ(request_error(text), (ParseError{16384, "header section: longer than 16384 bytes"}));
  // The same limit, with the error as soon as the 16385th byte arrives.
  http::RequestParser parser;
  http::FeedResult result = parser.feed(as_bytes(text).first(16385));
  ASSERT_TRUE(result.failed());
  EXPECT_EQ(result.error.offset, 16384u);
}

TEST(HttpMalformed, RejectsMoreThan100Fields) {
  std::string text = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i)
    text += "H: v\r\n";
  text += "\r\n";
  EXPECT_EQ(request_error(text), (ParseError{616, "headers: more than 100 fields"}));
}

TEST(HttpMalformed, RejectsANonNumericContentLength) {
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nContent-Length: 12a\r\n\r\n"),
            (ParseError{18, "content-length: \"12a\" is not a decimal number"}));
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            (ParseError{18, "content-length: \"-1\" is not a decimal number"}));
}

TEST(HttpMalformed, RejectsDuplicateContentLengthsWithDifferentValues) {
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
            (ParseError{37, "content-length: 6 conflicts with 5"}));
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n"),
            (ParseError{18, "content-length: 6 conflicts with 5"}));
}

TEST(HttpMalformed, RejectsAContentLengthPastTheBodyLimitBeforeReadingTheBody) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", {16384, 100, 4}),
            (ParseError{17, "content-length: 5 exceeds the body limit of 4 bytes"}));
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
            (ParseError{17, "content-length: 99999999999999999999999 exceeds the body limit of "
                            "67108864 bytes"}));
}

TEST(HttpMalformed, RejectsChunkedRequestBodies) {
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"),
            (ParseError{18, "transfer-encoding: chunked request bodies are not supported"}));
  EXPECT_EQ(request_error("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
            (ParseError{18, "transfer-encoding: \"gzip\" is not supported in a request"}));
}

TEST(HttpMalformed, RejectsABadChunkSize) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            (ParseError{47, "chunk size: \"zz\" is not <hex>[;extension]"}));
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4 x\r\n"),
            (ParseError{48, "chunk size: \"4 x\" is not <hex>[;extension]"}));
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "1000000000000000\r\n"),
            (ParseError{47, "chunk size: \"1000000000000000\" has more than 15 hex digits"}));
}

TEST(HttpMalformed, RejectsChunkDataNotFollowedByCrlf) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"),
            (ParseError{53, "chunk data: not followed by CRLF"}));
}

TEST(HttpMalformed, RejectsAChunkedBodyPastTheLimit) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                           {16384, 100, 4}),
            (ParseError{55, "chunk size: 2 takes the body past its limit of 4 bytes"}));
}

TEST(HttpMalformed, RejectsACloseDelimitedBodyPastTheLimit) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\n\r\nhello", {16384, 100, 4}),
            (ParseError{23, "body: longer than the limit of 4 bytes"}));
}

TEST(HttpMalformed, RejectsBadStatusCodes) {
  EXPECT_EQ(response_error("HTTP/1.1 2OO OK\r\n\r\n"),
            (ParseError{9, "status code: \"2OO \" is not three digits"}));
  EXPECT_EQ(response_error("HTTP/1.1 600 Odd\r\n\r\n"),
            (ParseError{9, "status code: 600 is out of range 100..599"}));
  EXPECT_EQ(response_error("HTTP/1.1\r\n\r\n"),
            (ParseError{8, "status line: no status code after the version"}));
}

TEST(HttpMalformed, RejectsABodyCutShortByTheConnectionClose) {
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"),
            (ParseError{40, "body: connection closed with 3 bytes of the Content-Length missing"}));
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab"),
            (ParseError{52, "chunked body: connection closed before the last chunk"}));
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\n"),
            (ParseError{17, "header section: connection closed before its end"}));
}

TEST(HttpMalformed, RejectsBytesAfterAWholeRequestAndARequestCutShort) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\n\r\nX"),
            (ParseError{18, "message: 1 bytes after its end"}));
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\r\n"),
            (ParseError{25, "message: ends before it is complete"}));
}

TEST(HttpMalformed, KeepsReportingTheErrorAfterFailing) {
  http::RequestParser parser;
  ASSERT_TRUE(parser.feed(as_bytes("GET / HTTP/3.0\r\n")).failed());
  http::FeedResult again = parser.feed(as_bytes("\r\n"));
  EXPECT_TRUE(again.failed());
  EXPECT_EQ(again.error.offset, 6u);
}

// ---------------------------------------------------------------------------------------
// Builders, CUCM's response (reference section 6), round trips

TEST(HttpBuild, WritesThePhonesGet) {
  EXPECT_EQ(
      text_of(http::build_request(http::make_get("/SEPC80084AA8743.cnf.xml", "198.18.0.1:6970"))),
      "GET /SEPC80084AA8743.cnf.xml HTTP/1.1\r\nHost: 198.18.0.1:6970\r\n\r\n");
}

TEST(HttpBuild, WritesCucmsFileResponse) {
  EXPECT_EQ(text_of(http::build_response(http::make_file_response(bytes_of("<device/>")))),
            "HTTP/1.1 200 OK\r\nContent-length: 9\r\nCache-Control: no-store\r\nContent-type: "
            "*/*\r\n\r\n<device/>");
}

TEST(HttpBuild, WritesABodylessStatusAnswer) {
  EXPECT_EQ(text_of(http::build_response(http::make_status_response(503))),
            "HTTP/1.1 503 Service Unavailable\r\nContent-length: 0\r\n\r\n");
  EXPECT_EQ(text_of(http::build_response(http::make_status_response(404))),
            "HTTP/1.1 404 Not Found\r\nContent-length: 0\r\n\r\n");
  EXPECT_EQ(text_of(http::build_response(http::make_status_response(204))),
            "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(HttpBuild, SetsContentLengthToTheBodyAndDropsTransferEncoding) {
  http::Response response;
  response.headers.add("content-LENGTH", "999");
  response.headers.add("Transfer-Encoding", "chunked");
  response.body = bytes_of("abc");
  EXPECT_EQ(text_of(http::build_response(response)),
            "HTTP/1.1 200 OK\r\ncontent-LENGTH: 3\r\n\r\nabc");
  http::Request request;
  request.method = "PUT";
  request.body = bytes_of("xy");
  EXPECT_EQ(text_of(http::build_request(request)), "PUT / HTTP/1.1\r\nContent-Length: 2\r\n\r\nxy");
}

TEST(HttpRoundTrip, ParseOfBuildGivesTheSameMessage) {
  http::Request request = http::make_get("/a%20b?x=1", "host");
  request.version_minor = 0;
  request.headers.add("Content-Length", "3");
  request.body = bytes_of(std::string_view("a\0b", 3));
  auto again = http::parse_request(http::build_request(request));
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(*again, request);

  for (const http::Response& response :
       {http::make_file_response(ByteVector(70000, 0x5a)), http::make_status_response(503),
        http::make_status_response(304)}) {
    auto parsed = http::parse_response(http::build_response(response));
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    EXPECT_EQ(*parsed, response);
  }
}

// ---------------------------------------------------------------------------------------
// Target decoding: the server checks the decoded path for escapes

TEST(HttpDecodeTarget, DecodesPercentEscapesAndDropsTheQuery) {
  EXPECT_EQ(*http::decode_target("/SEPC80084AA8743.cnf.xml"), "/SEPC80084AA8743.cnf.xml");
  EXPECT_EQ(*http::decode_target("/%2e%2e/%2E%2E/etc/passwd"), "/../../etc/passwd");
  EXPECT_EQ(*http::decode_target("/a%20b+c?x=%zz#f"), "/a b+c");
  EXPECT_EQ(*http::decode_target("/Desktops/320x212x16/List.xml#top"),
            "/Desktops/320x212x16/List.xml");
}

TEST(HttpDecodeTarget, TakesThePathOfAnAbsoluteTarget) {
  EXPECT_EQ(*http::decode_target("http://198.18.0.1:6970/x%2Fy.xml?z"), "/x/y.xml");
  EXPECT_EQ(*http::decode_target("HTTP://host"), "/");
  EXPECT_EQ(*http::decode_target("http://host?q"), "/");
}

TEST(HttpDecodeTarget, RejectsBadEscapesNulAndOtherForms) {
  EXPECT_EQ(http::decode_target("/a%2").error(),
            (ParseError{2, "target: percent-escape \"%2\" cut short"}));
  EXPECT_EQ(http::decode_target("/a%zz").error(),
            (ParseError{2, "target: percent-escape \"%zz\" is not %<hex><hex>"}));
  EXPECT_EQ(http::decode_target("/a%00.xml").error(),
            (ParseError{2, "target: NUL (%00) in the path"}));
  EXPECT_EQ(http::decode_target(std::string_view("/a\0b", 4)).error(),
            (ParseError{2, "target: NUL in the path"}));
  EXPECT_EQ(http::decode_target("*").error(),
            (ParseError{0, "target: \"*\" is neither origin form nor absolute form"}));
  EXPECT_EQ(http::decode_target("ftp://h/x").error(),
            (ParseError{0, "target: \"ftp://h/x\" is neither origin form nor absolute form"}));
}

} // namespace
} // namespace phonerig::wire
