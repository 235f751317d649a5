// The OpenAI-compatible streaming client (see remote_backend.h). One connection per
// attempt, driven by a private io_context: every operation runs under a deadline, and a
// poll timer closes the socket when the caller cancels.
#include "engine/remote/remote_backend.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "engine/remote/sse.h"

namespace seek::engine {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Json = nlohmann::json;

namespace {

// What one attempt came to: done, or a failure that may be retried (and after how long).
struct Attempt {
  std::optional<Error> error;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;
  bool streamed = false;  // deltas were delivered: a retry would repeat them
};

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  const std::string text(value);
  const double seconds = std::strtod(text.c_str(), &end);
  if (end && *end == '\0' && seconds >= 0) return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  std::tm tm{};  // an HTTP-date: "Wed, 21 Oct 2026 07:28:00 GMT"
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) {
    const std::time_t when = timegm(&tm);
    const auto delta = std::chrono::seconds(when - std::time(nullptr));
    return std::max<std::chrono::milliseconds>(std::chrono::milliseconds(0), delta);
  }
  return std::nullopt;
}

// Applies one streamed chunk to the result and the sink.
void apply_chunk(const Json& chunk, ChatResult& result, FunctionRef<void(const ChatEvent&)> sink) {
  if (chunk.contains("usage") && chunk["usage"].is_object()) {
    const Json& u = chunk["usage"];
    // Servers and proxies send nulls here: a field that is not a number counts as 0.
    const auto count = [&](const char* key) {
      return u.contains(key) && u[key].is_number_integer() ? u[key].get<std::int64_t>() : std::int64_t{0};
    };
    result.usage.prompt_tokens = count("prompt_tokens");
    result.usage.completion_tokens = count("completion_tokens");
    result.usage.total_tokens = count("total_tokens");
    result.usage.cache_hit_tokens = count("prompt_cache_hit_tokens");
    result.usage.cache_miss_tokens = count("prompt_cache_miss_tokens");
  }
  if (!chunk.contains("choices") || !chunk["choices"].is_array()) return;
  for (const Json& choice : chunk["choices"]) {
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
      result.finish_reason = choice["finish_reason"].get<std::string>();
    }
    if (choice.contains("text") && choice["text"].is_string()) {  // /completions (FIM) chunks
      const std::string text = choice["text"].get<std::string>();
      result.content += text;
      if (!text.empty()) sink(ChatEvent{ChatEvent::Kind::kContentDelta, text, 0, {}, {}});
    }
    if (!choice.contains("delta") || !choice["delta"].is_object()) continue;
    const Json& delta = choice["delta"];
    if (delta.contains("reasoning_content") && delta["reasoning_content"].is_string()) {
      const std::string text = delta["reasoning_content"].get<std::string>();
      result.reasoning += text;
      if (!text.empty()) sink(ChatEvent{ChatEvent::Kind::kReasoningDelta, text, 0, {}, {}});
    }
    if (delta.contains("content") && delta["content"].is_string()) {
      const std::string text = delta["content"].get<std::string>();
      result.content += text;
      if (!text.empty()) sink(ChatEvent{ChatEvent::Kind::kContentDelta, text, 0, {}, {}});
    }
    if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
      for (const Json& call : delta["tool_calls"]) {
        if (!call.is_object()) continue;
        const int index = call.contains("index") && call["index"].is_number_integer() ? call["index"].get<int>() : 0;
        if (index < 0 || index > 1024) continue;
        if (static_cast<std::size_t>(index) >= result.tool_calls.size()) result.tool_calls.resize(static_cast<std::size_t>(index) + 1);
        ToolCall& tc = result.tool_calls[static_cast<std::size_t>(index)];
        ChatEvent event{ChatEvent::Kind::kToolCallDelta, {}, index, {}, {}};
        if (call.contains("id") && call["id"].is_string()) tc.id = event.tool_id = call["id"].get<std::string>();
        if (call.contains("function") && call["function"].is_object()) {
          const Json& f = call["function"];
          if (f.contains("name") && f["name"].is_string()) tc.name += event.tool_name = f["name"].get<std::string>();
          if (f.contains("arguments") && f["arguments"].is_string()) {
            event.text = f["arguments"].get<std::string>();
            tc.arguments += event.text;
          }
        }
        sink(event);
      }
    }
  }
}

// Runs one async operation (`start` takes the completion handler) until it completes, its
// `timeout` passes or `cancel` is set; `abort` then closes the socket. The resolve, connect
// and handshake phases go through this too, so no phase can hold a caller past its timeout
// or its cancel.
template <class Start, class Abort>
beast::error_code drive(net::io_context& ioc, Start start, std::chrono::milliseconds timeout, const std::atomic<bool>& cancel,
                        Abort abort) {
  struct State {  // shared with the handler, which may run after an abort, even later
    bool done = false;
    beast::error_code ec;
  };
  auto state = std::make_shared<State>();
  start([state](beast::error_code e) {
    state->ec = e;
    state->done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ioc.restart();
  while (!state->done) {
    ioc.run_for(std::chrono::milliseconds(20));
    if (state->done) break;
    if (cancel.load() || std::chrono::steady_clock::now() > deadline) {
      abort();
      ioc.run_for(std::chrono::milliseconds(50));
      return cancel.load() ? beast::error_code(net::error::operation_aborted) : beast::error_code(net::error::timed_out);
    }
  }
  return state->ec;
}

// One HTTP attempt over a connected stream (plain or TLS).
template <class Stream>
Attempt exchange(net::io_context& ioc, Stream& stream, const std::string& host, const std::string& target,
                 const std::string& body, const RemoteOptions& options, ChatResult& result,
                 FunctionRef<void(const ChatEvent&)> sink, const std::atomic<bool>& cancel) {
  Attempt a;
  // Runs one async operation to its end under `timeout`, closing the socket on cancel.
  beast::error_code ec;
  auto run = [&](auto start, std::chrono::milliseconds timeout) {
    ec = drive(
        ioc, [&](auto done) { start([done](beast::error_code e, std::size_t) { done(e); }); }, timeout, cancel,
        [&] {
          beast::get_lowest_layer(stream).cancel();
          beast::get_lowest_layer(stream).close();
        });
  };

  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "seek");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "text/event-stream");
  if (!options.api_key.empty()) req.set(http::field::authorization, "Bearer " + options.api_key);
  req.body() = body;
  req.prepare_payload();
  run([&](auto handler) { http::async_write(stream, req, handler); }, options.connect_timeout);
  if (cancel.load()) return a;
  if (ec) {
    a.error = make_error(ErrorCode::kUnavailable, "sending the request: " + ec.message());
    a.retryable = true;
    return a;
  }

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  run([&](auto handler) { http::async_read_header(stream, buffer, parser, handler); }, options.idle_timeout);
  if (cancel.load()) return a;
  if (ec) {
    a.error = make_error(ErrorCode::kUnavailable, "reading the response: " + ec.message());
    a.retryable = true;
    return a;
  }
  const unsigned status = parser.get().result_int();
  const bool ok = status >= 200 && status < 300;
  // A server that ignores stream=true answers with one JSON object: taken whole at the end.
  const auto content_type = parser.get()[http::field::content_type];
  const bool whole_json = ok && std::string_view(content_type.data(), content_type.size()).starts_with("application/json");
  std::string json_text;
  SseDecoder sse;
  std::string error_text;
  char chunk[16384];
  bool finished = false;
  while (!parser.is_done() && !finished) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    // read_some: deliver each event as it arrives (read would wait to fill the buffer).
    run([&](auto handler) { http::async_read_some(stream, buffer, parser, handler); }, options.idle_timeout);
    if (cancel.load()) return a;
    if (ec && ec != http::error::need_buffer) {
      if (ok && ec == http::error::end_of_stream) break;
      a.error = make_error(ErrorCode::kUnavailable, "reading the stream: " + ec.message());
      a.retryable = !a.streamed;
      return a;
    }
    const std::size_t got = sizeof chunk - parser.get().body().size;
    const std::string_view bytes(chunk, got);
    if (!ok) {
      error_text.append(bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096 - std::min<std::size_t>(4096, error_text.size()))));
      continue;
    }
    if (whole_json) {
      if (json_text.size() + bytes.size() > (64u << 20)) {
        a.error = make_error(ErrorCode::kResourceExhausted, "the server's reply is over 64 MiB");
        return a;
      }
      json_text.append(bytes);
      continue;
    }
    for (const std::string& data : sse.feed(bytes)) {
      if (data == "[DONE]") {
        finished = true;
        break;
      }
      const Json event = Json::parse(data, nullptr, /*allow_exceptions=*/false);
      if (event.is_discarded()) {
        a.error = make_error(ErrorCode::kInvalidArgument, "the server sent an event that is not JSON");
        return a;
      }
      if (event.contains("error") && !event["error"].is_null()) {
        a.error = make_error(ErrorCode::kInternal, "the server reported: " + event["error"].dump());
        return a;
      }
      a.streamed = true;
      apply_chunk(event, result, sink);
    }
  }
  if (whole_json) {
    const Json reply = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded() || !reply.is_object()) {
      a.error = make_error(ErrorCode::kInvalidArgument, "the server's reply is not JSON");
      return a;
    }
    if (reply.contains("error") && !reply["error"].is_null()) {
      a.error = make_error(ErrorCode::kInternal, "the server reported: " + reply["error"].dump());
      return a;
    }
    // The same shape as a stream's chunks: message -> delta, tool calls numbered.
    Json as_chunk = {{"choices", Json::array()}};
    if (reply.contains("usage")) as_chunk["usage"] = reply["usage"];
    if (reply.contains("choices") && reply["choices"].is_array()) {
      for (Json choice : reply["choices"]) {
        if (choice.is_object() && choice.contains("message") && choice["message"].is_object()) {
          Json delta = choice["message"];
          if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
            for (std::size_t i = 0; i < delta["tool_calls"].size(); ++i) {
              if (delta["tool_calls"][i].is_object()) delta["tool_calls"][i]["index"] = i;
            }
          }
          choice["delta"] = std::move(delta);
          choice.erase("message");
        }
        as_chunk["choices"].push_back(std::move(choice));
      }
    }
    a.streamed = true;
    apply_chunk(as_chunk, result, sink);
  }
  if (!ok) {
    a.error = make_error(status == 401 || status == 403 ? ErrorCode::kPermissionDenied : ErrorCode::kUnavailable,
                         fmt::format("HTTP {} from the server: {}", status, error_text));
    a.retryable = status == 429 || status >= 500;
    const auto header = parser.get()[http::field::retry_after];
    a.retry_after = parse_retry_after(std::string_view(header.data(), header.size()));
  }
  return a;
}

}  // namespace

std::string api_key_from_environment(const std::string& configured) {
  for (const char* name : {"DEEPSEEK_API_KEY", "OPENAI_API_KEY"}) {
    if (const char* v = std::getenv(name); v && *v) return v;
  }
  return configured;
}

RemoteBackend::~RemoteBackend() = default;

Result<std::unique_ptr<RemoteBackend>> RemoteBackend::create(RemoteOptions options) {
  std::string_view rest = options.base_url;
  Url url;
  if (rest.starts_with("https://")) {
    url.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("--base-url '{}' must start with http:// or https://", options.base_url));
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    url.host = std::string(authority.substr(0, colon));
    url.port = std::string(authority.substr(colon + 1));
  } else {
    url.host = std::string(authority);
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.empty() || url.port.empty() || url.port.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("--base-url '{}' has no valid host and port", options.base_url));
  }
  url.path = std::string(path);
  return std::unique_ptr<RemoteBackend>(new RemoteBackend(std::move(options), std::move(url)));
}

std::string RemoteBackend::request_body(const ChatRequest& r) {
  Json body = {{"model", r.model}, {"messages", r.messages}, {"stream", true}, {"stream_options", {{"include_usage", true}}}};
  if (!r.tools.empty()) body["tools"] = r.tools;
  if (r.thinking) body["thinking"] = {{"type", *r.thinking ? "enabled" : "disabled"}};
  if (r.reasoning_effort) body["reasoning_effort"] = *r.reasoning_effort;
  if (r.max_tokens) body["max_tokens"] = *r.max_tokens;
  if (r.temperature) body["temperature"] = *r.temperature;
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);  // tool output may hold invalid UTF-8
}

std::string RemoteBackend::completion_body(const TextCompletionRequest& r) {
  Json body = {{"model", r.model}, {"prompt", r.prompt}, {"stream", true}, {"max_tokens", r.max_tokens}, {"temperature", 0}};
  if (!r.suffix.empty()) body["suffix"] = r.suffix;
  if (!r.stop.empty()) body["stop"] = r.stop;
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ChatResult> RemoteBackend::chat(const ChatRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                                       const std::atomic<bool>& cancel) {
  return post("/chat/completions", request_body(request), sink, cancel);
}

Result<ChatResult> RemoteBackend::complete(const TextCompletionRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                                           const std::atomic<bool>& cancel) {
  return post("/completions", completion_body(request), sink, cancel);
}

Result<ChatResult> RemoteBackend::post(const std::string& endpoint, const std::string& body,
                                       FunctionRef<void(const ChatEvent&)> sink, const std::atomic<bool>& cancel) {
  const std::string target = url_.path + endpoint;
  auto backoff = options_.first_backoff;
  for (int attempt = 0;; ++attempt) {
    ChatResult result;
    result.attempts = attempt + 1;
    Attempt a;
    try {
      net::io_context ioc;
      tcp::resolver resolver(ioc);
      tcp::resolver::results_type endpoints;
      beast::error_code ec = drive(
          ioc,
          [&](auto done) {
            resolver.async_resolve(url_.host, url_.port, [&, done](beast::error_code e, tcp::resolver::results_type r) {
              endpoints = std::move(r);
              done(e);
            });
          },
          options_.connect_timeout, cancel, [&] { resolver.cancel(); });
      const auto connect = [&](beast::tcp_stream& socket) {
        return drive(
            ioc, [&](auto done) { socket.async_connect(endpoints, [done](beast::error_code e, const tcp::endpoint&) { done(e); }); },
            options_.connect_timeout, cancel, [&] { socket.close(); });
      };
      // After connecting (plain or TLS): the exchange, or why there is none.
      const auto exchange_on = [&](auto& stream, beast::error_code connected) {
        if (cancel.load()) return;  // the cancelled result below
        if (connected) {
          a.error = make_error(ErrorCode::kUnavailable, fmt::format("cannot connect to {}:{}: {}", url_.host, url_.port, connected.message()));
          a.retryable = true;
          return;
        }
        a = exchange(ioc, stream, url_.host, target, body, options_, result, sink, cancel);
      };
      if (cancel.load()) {
        // fall through to the cancelled result below
      } else if (ec) {
        a.error = make_error(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", url_.host, ec.message()));
        a.retryable = true;
      } else if (!url_.tls) {
        beast::tcp_stream stream(ioc);
        exchange_on(stream, connect(stream));
      } else {
        net::ssl::context ctx(net::ssl::context::tls_client);
        ctx.set_default_verify_paths();
        ctx.set_verify_mode(net::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str());  // SNI
        stream.set_verify_callback(net::ssl::host_name_verification(url_.host));
        ec = connect(beast::get_lowest_layer(stream));
        if (!ec && !cancel.load()) {
          ec = drive(
              ioc, [&](auto done) { stream.async_handshake(net::ssl::stream_base::client, [done](beast::error_code e) { done(e); }); },
              options_.connect_timeout, cancel, [&] { beast::get_lowest_layer(stream).close(); });
        }
        exchange_on(stream, ec);
      }
    } catch (const std::exception& e) {  // Beast/Asio throw on internal failures
      a.error = make_error(ErrorCode::kInternal, std::string("HTTP client: ") + e.what());
    }
    if (cancel.load()) {
      result.finish_reason = "cancelled";
      return result;
    }
    if (!a.error) return result;
    if (!a.retryable || attempt >= options_.max_retries) return *a.error;
    auto wait = a.retry_after.value_or(backoff);
    wait = std::min<std::chrono::milliseconds>(wait, std::chrono::milliseconds(60'000));
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(30'000));
    for (auto slept = std::chrono::milliseconds(0); slept < wait && !cancel.load(); slept += std::chrono::milliseconds(20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

}  // namespace seek::engine
