#include "platform/http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>

namespace moodtape::platform {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Runs one exchange on `stream` with async operations so the io_context deadline bounds it.
template <typename Stream>
void Exchange(Stream& stream, http::request<http::string_body>& req,
              http::response<http::string_body>& res, beast::error_code& ec,
              beast::flat_buffer& buffer) {
  http::async_write(stream, req, [&](beast::error_code e, size_t) {
    if (e) {
      ec = e;
      return;
    }
    http::async_read(stream, buffer, res, [&](beast::error_code e2, size_t) { ec = e2; });
  });
}

}  // namespace

std::optional<Url> ParseUrl(std::string_view url) {
  Url out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  out.scheme = Lower(std::string(url.substr(0, scheme_end)));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  out.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  // user:password@ belongs to the caller (Sentry keys); it is not part of the connection.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) return std::nullopt;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      out.port = std::string(authority.substr(close + 2));
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
  }
  if (out.port.empty()) out.port = out.scheme == "https" ? "443" : "80";
  if (out.host.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request) {
  auto url = ParseUrl(request.url);
  if (!url) return MakeError(ErrorCode::kInvalidArgument, "bad URL: " + request.url);

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;

  http::request<http::string_body> req{http::string_to_verb(request.method), url->target, 11};
  if (req.method() == http::verb::unknown) {
    return MakeError(ErrorCode::kInvalidArgument, "bad HTTP method: " + request.method);
  }
  req.set(http::field::host, url->host);
  req.set(http::field::user_agent, "moodtape");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();

  bool tls = url->scheme == "https";
  asio::ssl::context ssl_ctx(asio::ssl::context::tls_client);
  beast::tcp_stream plain(ioc);
  beast::ssl_stream<beast::tcp_stream> secure(ioc, ssl_ctx);
  if (tls) {
    ssl_ctx.set_default_verify_paths();
    ssl_ctx.set_verify_mode(request.verify_tls ? asio::ssl::verify_peer : asio::ssl::verify_none);
    SSL_set_tlsext_host_name(secure.native_handle(), url->host.c_str());
    if (request.verify_tls) {
      secure.set_verify_callback(asio::ssl::host_name_verification(url->host));
    }
  }

  resolver.async_resolve(
      url->host, url->port, [&](beast::error_code e, tcp::resolver::results_type results) {
        if (e) {
          ec = e;
          return;
        }
        auto& lowest = tls ? beast::get_lowest_layer(secure) : plain;
        lowest.async_connect(results, [&](beast::error_code e2, const tcp::endpoint&) {
          if (e2) {
            ec = e2;
            return;
          }
          if (!tls) {
            Exchange(plain, req, res, ec, buffer);
            return;
          }
          secure.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e3) {
            if (e3) {
              ec = e3;
              return;
            }
            Exchange(secure, req, res, ec, buffer);
          });
        });
      });

  ioc.run_for(request.timeout);
  if (!ioc.stopped()) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     "HTTP " + request.method + " " + url->host + " timed out");
  }
  if (ec && ec != http::error::end_of_stream) {
    return MakeError(ErrorCode::kUnavailable, "HTTP " + request.method + " " + url->host + ":" +
                                                  url->port + ": " + ec.message());
  }
  HttpClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  for (const auto& field : res) {
    out.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  }
  return out;
}

}  // namespace moodtape::platform
