#include "services/gateway/core/static_files.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace moodtape::gateway {
namespace {

TEST(NormaliseStaticPathTest, AcceptsOrdinaryPaths) {
  EXPECT_EQ(NormaliseStaticPath("/"), "");
  EXPECT_EQ(NormaliseStaticPath("/index.html"), "index.html");
  EXPECT_EQ(NormaliseStaticPath("/assets/app.3f2a.js"), "assets/app.3f2a.js");
  EXPECT_EQ(NormaliseStaticPath("//assets//x.css"), "assets/x.css");
  EXPECT_EQ(NormaliseStaticPath("/my%20song.ogg"), "my song.ogg");
}

TEST(NormaliseStaticPathTest, RefusesTraversal) {
  EXPECT_FALSE(NormaliseStaticPath("/../etc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/assets/../../etc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/%2e%2e/etc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/%2E%2E/etc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/.%2e/etc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/assets/%2e%2e%2f%2e%2e%2fetc/passwd"));
  EXPECT_FALSE(NormaliseStaticPath("/..%5cetc%5cpasswd"));
  EXPECT_FALSE(NormaliseStaticPath("/a\\..\\b"));
  EXPECT_FALSE(NormaliseStaticPath("/./index.html"));
  EXPECT_FALSE(NormaliseStaticPath("/.env"));
  EXPECT_FALSE(NormaliseStaticPath("/.git/config"));
}

TEST(NormaliseStaticPathTest, RefusesNulControlAndBadEncoding) {
  EXPECT_FALSE(NormaliseStaticPath("/index.html%00.png"));
  EXPECT_FALSE(NormaliseStaticPath(std::string_view("/index.html\0.png", 16)));
  EXPECT_FALSE(NormaliseStaticPath("/a%0a"));
  EXPECT_FALSE(NormaliseStaticPath("/a%zz"));
  EXPECT_FALSE(NormaliseStaticPath("/a%2"));
  EXPECT_FALSE(NormaliseStaticPath("relative/path"));
  EXPECT_FALSE(NormaliseStaticPath(""));
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.JPG"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("a.webp"), "image/webp");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("m.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeFor("song.ogg"), "audio/ogg");
  EXPECT_EQ(ContentTypeFor("song.mid"), "audio/midi");
  EXPECT_EQ(ContentTypeFor("blob.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
}

TEST(CachePolicyTest, HtmlRevalidatesAssetsAreImmutableOthersShort) {
  EXPECT_EQ(CacheControlFor("index.html"), "no-cache");
  EXPECT_EQ(CacheControlFor("assets/index.html"), "no-cache");
  EXPECT_EQ(CacheControlFor("assets/app.3f2a.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(CacheControlFor("favicon.ico"), "public, max-age=300");
  EXPECT_EQ(CacheControlFor("assetsx/app.js"), "public, max-age=300");
}

TEST(ETagTest, MatchesListsWeakAndStar) {
  std::string etag = MakeETag(12, 34);
  EXPECT_EQ(etag, "\"c-22\"");
  EXPECT_TRUE(ETagMatches(etag, etag));
  EXPECT_TRUE(ETagMatches("\"x\", " + etag, etag));
  EXPECT_TRUE(ETagMatches("W/" + etag, etag));
  EXPECT_TRUE(ETagMatches("*", etag));
  EXPECT_FALSE(ETagMatches("\"c-23\"", etag));
  EXPECT_FALSE(ETagMatches("", etag));
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("assets"));
    std::filesystem::create_directories(dir_.File("docs"));
    Write("index.html", "<h1>app</h1>");
    Write("assets/app.js", "console.log(1)");
    Write("docs/index.html", "<h1>docs</h1>");
    Write("logo.svg", "<svg/>");
    Write(".env", "SECRET=1");
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
  }
  static std::string Header(const StaticReply& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  moodtape::testing::TempDir dir_;
  moodtape::testing::TempDir outside_;
};

TEST_F(StaticSiteTest, ServesFilesWithTypeCacheAndSecurityHeaders) {
  StaticSite site(dir_.path());
  StaticReply root = site.Serve("/", "");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<h1>app</h1>");
  EXPECT_EQ(root.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Header(root, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(root, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(Header(root, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_FALSE(Header(root, "Referrer-Policy").empty());

  StaticReply js = site.Serve("/assets/app.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(js, "Content-Security-Policy"), "");

  EXPECT_EQ(site.Serve("/docs/", "").body, "<h1>docs</h1>");
  EXPECT_EQ(site.Serve("/docs", "").body, "<h1>docs</h1>");
}

TEST_F(StaticSiteTest, IfNoneMatchGives304) {
  StaticSite site(dir_.path());
  StaticReply first = site.Serve("/logo.svg", "");
  std::string etag = Header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  StaticReply again = site.Serve("/logo.svg", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Header(again, "ETag"), etag);
  EXPECT_EQ(site.Serve("/logo.svg", "\"other\"").status, 200);
}

TEST_F(StaticSiteTest, SinglePageFallbackOnlyForPathsWithoutExtension) {
  StaticSite site(dir_.path());
  StaticReply route = site.Serve("/history/42", "");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<h1>app</h1>");
  EXPECT_EQ(site.Serve("/missing.js", "").status, 404);
  EXPECT_EQ(site.Serve("/assets/missing.css", "").status, 404);
}

TEST_F(StaticSiteTest, RefusesTraversalDotfilesAndSymlinksOutOfTheRoot) {
  std::ofstream(outside_.File("secret.txt")) << "top secret";
  std::filesystem::create_symlink(outside_.File("secret.txt"), dir_.File("link.txt"));
  StaticSite site(dir_.path());
  EXPECT_EQ(site.Serve("/../etc/passwd", "").status, 404);
  EXPECT_EQ(site.Serve("/%2e%2e/%2e%2e/etc/passwd", "").status, 404);
  EXPECT_EQ(site.Serve("/.env", "").status, 404);
  StaticReply link = site.Serve("/link.txt", "");
  EXPECT_EQ(link.status, 404);
  EXPECT_TRUE(link.body.empty());
}

}  // namespace
}  // namespace moodtape::gateway
