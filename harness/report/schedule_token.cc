// The ls1 replay token (format in lockstep/schedule.h). The parser treats the token as
// untrusted input: every field is validated and the checksum covers all of them.
#include <charconv>
#include <string>

#include "lockstep/schedule.h"

namespace lockstep {
namespace {

constexpr std::string_view kVersion = "ls1";
constexpr std::uint32_t kMaxThreads = 1u << 16;
constexpr std::size_t kMaxChoices = 1u << 26;

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

bool valid_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '/' || c == '-';
}

void append_symbol(std::string& out, std::uint32_t value, std::size_t repeat) {
  if (repeat > 1) out += std::to_string(repeat);
  if (value < 26) {
    out += static_cast<char>('a' + value);
  } else {
    out += '_' + std::to_string(value) + '_';
  }
}

std::string hex8(std::uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4) text[static_cast<std::size_t>(i)] = kDigits[value & 15];
  return text;
}

[[noreturn]] void fail(const std::string& what) {
  throw TokenError("malformed replay token: " + what);
}

std::uint64_t parse_decimal(std::string_view text, std::string_view field, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value > max) {
    fail("bad " + std::string(field) + " '" + std::string(text) + "'");
  }
  return value;
}

std::vector<std::uint32_t> decode_choices(std::string_view text) {
  std::vector<std::uint32_t> choices;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t repeat = 1;
    const std::size_t digits_begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i > digits_begin) {
      repeat = parse_decimal(text.substr(digits_begin, i - digits_begin), "repeat count",
                             kMaxChoices);
      if (repeat < 2) fail("repeat count must be at least 2");
    }
    if (i >= text.size()) fail("choices end with a repeat count");
    std::uint32_t value = 0;
    if (text[i] >= 'a' && text[i] <= 'z') {
      value = static_cast<std::uint32_t>(text[i] - 'a');
      ++i;
    } else if (text[i] == '_') {
      const std::size_t close = text.find('_', i + 1);
      if (close == std::string_view::npos) fail("unterminated choice value");
      value = static_cast<std::uint32_t>(
          parse_decimal(text.substr(i + 1, close - i - 1), "choice value", 0xffffffffu));
      if (value < 26) fail("choice value " + std::to_string(value) + " must be written as a letter");
      i = close + 1;
    } else {
      fail(std::string("unexpected character '") + text[i] + "' in choices");
    }
    if (choices.size() + repeat > kMaxChoices) fail("too many choices");
    choices.insert(choices.end(), repeat, value);
  }
  return choices;
}

}  // namespace

std::string Schedule::token() const {
  std::string text(kVersion);
  text += ':';
  text += scenario.empty() ? "-" : scenario;
  text += ':' + std::to_string(threads) + ':' + (semantics.empty() ? "-" : semantics) + ':';
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    append_symbol(text, choices[i], j - i);
    i = j;
  }
  text += ':' + hex8(fnv1a(text));
  return text;
}

Schedule Schedule::parse(std::string_view token) {
  while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.remove_suffix(1);
  if (token.empty()) fail("the token is empty");
  if (token.substr(0, 4) != "ls1:") {
    const std::size_t colon = token.find(':');
    if (colon != std::string_view::npos && colon < 8 && token.substr(0, 2) == "ls") {
      throw TokenError("unsupported replay token version '" + std::string(token.substr(0, colon)) +
                       "' (this lockstep reads ls1)");
    }
    fail("it does not start with 'ls1:'");
  }
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = token.find(':', start);
    fields.push_back(token.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() != 6) {
    fail("expected 6 ':'-separated fields, found " + std::to_string(fields.size()) +
         " (truncated or altered?)");
  }
  const std::string_view body = token.substr(0, token.size() - fields[5].size() - 1);
  if (fields[5].size() != 8 || fields[5] != hex8(fnv1a(body))) {
    fail("checksum mismatch (the token was truncated or altered)");
  }
  Schedule schedule;
  if (fields[1].empty()) fail("empty scenario name");
  for (char c : fields[1]) {
    if (!valid_name_char(c)) fail("invalid character in scenario name");
  }
  schedule.scenario = std::string(fields[1]);
  schedule.threads = static_cast<std::uint32_t>(parse_decimal(fields[2], "thread count", kMaxThreads));
  if (schedule.threads == 0) fail("thread count must be at least 1");
  if (fields[3].empty()) fail("empty semantics field (use '-')");
  schedule.semantics = std::string(fields[3]);
  schedule.choices = decode_choices(fields[4]);
  return schedule;
}

}  // namespace lockstep
