#include "lockstep/options.h"

#include <charconv>
#include <cstdlib>
#include <sstream>
#include <type_traits>

#include "lockstep/schedule.h"

namespace lockstep {
namespace {

std::string kebab(std::string_view field) {
  std::string key(field);
  for (char& c : key) {
    if (c == '_') c = '-';
  }
  return key;
}

std::string valid_keys() {
  std::string text;
  for (const OptionInfo& info : option_table()) {
    if (!text.empty()) text += ", ";
    text += info.key;
  }
  return text;
}

[[noreturn]] void bad_value(std::string_view key, std::string_view value, std::string_view want) {
  throw OptionError("option " + std::string(key) + ": invalid value '" + std::string(value) +
                    "' (expected " + std::string(want) + ")");
}

std::uint64_t parse_uint(std::string_view key, std::string_view text, std::string_view want) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    bad_value(key, text, want);
  }
  return value;
}

// Splits "250ms" into 250 and "ms".
std::pair<std::uint64_t, std::string_view> number_and_suffix(std::string_view key,
                                                             std::string_view text,
                                                             std::string_view want) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) bad_value(key, text, want);
  return {parse_uint(key, text.substr(0, digits), want), text.substr(digits)};
}

void parse_into(std::uint64_t& out, std::string_view key, std::string_view text, OptionType kind,
                std::string_view) {
  if (kind != OptionType::kBytes) {
    out = parse_uint(key, text, "a non-negative integer");
    return;
  }
  constexpr std::string_view want = "a size such as 65536, 256k or 1m";
  const auto [number, suffix] = number_and_suffix(key, text, want);
  if (suffix.empty()) {
    out = number;
  } else if (suffix == "k" || suffix == "K") {
    out = number * 1024;
  } else if (suffix == "m" || suffix == "M") {
    out = number * 1024 * 1024;
  } else {
    bad_value(key, text, want);
  }
  if (out < 16 * 1024) bad_value(key, text, "at least 16k");
}

void parse_into(bool& out, std::string_view key, std::string_view text, OptionType,
                std::string_view) {
  if (text == "true" || text == "1" || text == "on" || text == "yes") {
    out = true;
  } else if (text == "false" || text == "0" || text == "off" || text == "no") {
    out = false;
  } else {
    bad_value(key, text, "true or false");
  }
}

void parse_into(Millis& out, std::string_view key, std::string_view text, OptionType,
                std::string_view) {
  constexpr std::string_view want = "a duration such as 500ms, 10s or 2m";
  const auto [number, suffix] = number_and_suffix(key, text, want);
  if (suffix.empty() || suffix == "ms") {
    out = Millis{number};
  } else if (suffix == "s") {
    out = Millis{number * 1000};
  } else if (suffix == "m" || suffix == "min") {
    out = Millis{number * 60000};
  } else {
    bad_value(key, text, want);
  }
}

void parse_into(std::string& out, std::string_view key, std::string_view text, OptionType,
                std::string_view choices) {
  if (!choices.empty()) {
    bool found = false;
    std::string_view rest = choices;
    while (!rest.empty()) {
      const std::size_t bar = rest.find('|');
      if (rest.substr(0, bar) == text) found = true;
      rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
    }
    if (!found) {
      std::string list(choices);
      for (char& c : list) {
        if (c == '|') c = ',';
      }
      bad_value(key, text, "one of " + list);
    }
  }
  out = std::string(text);
}

// "i/n" with i < n, both decimal; anything else is an error.
void parse_into(Shard& out, std::string_view key, std::string_view text, OptionType,
                std::string_view) {
  constexpr std::string_view want = "i/n with 0 <= i < n, such as 0/4";
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) bad_value(key, text, want);
  Shard shard;
  shard.index = parse_uint(key, text.substr(0, slash), want);
  shard.count = parse_uint(key, text.substr(slash + 1), want);
  if (shard.count == 0 || shard.index >= shard.count) bad_value(key, text, want);
  out = shard;
}

std::string format(std::uint64_t value) { return std::to_string(value); }
std::string format(const Shard& value) {
  return std::to_string(value.index) + "/" + std::to_string(value.count);
}
std::string format(bool value) { return value ? "true" : "false"; }
std::string format(const std::string& value) { return value; }
std::string format(Millis value) {
  const auto ms = static_cast<std::uint64_t>(value.count());
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}
std::string format_bytes(std::uint64_t value) {
  if (value % (1024 * 1024) == 0) return std::to_string(value / (1024 * 1024)) + "m";
  if (value % 1024 == 0) return std::to_string(value / 1024) + "k";
  return std::to_string(value);
}

template <typename T>
std::string format_value(const T& value, OptionType kind) {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    if (kind == OptionType::kBytes) return format_bytes(value);
  }
  return format(value);
}

std::string type_name(OptionType type) {
  switch (type) {
    case OptionType::kUint: return "integer";
    case OptionType::kBool: return "bool";
    case OptionType::kChoice: return "choice";
    case OptionType::kText: return "text";
    case OptionType::kDuration: return "duration";
    case OptionType::kBytes: return "size";
    case OptionType::kShard: return "i/n";
  }
  return "?";
}

}  // namespace

const std::vector<OptionInfo>& option_table() {
  static const std::vector<OptionInfo> table = [] {
    const Options defaults;
    std::vector<OptionInfo> rows;
#define LOCKSTEP_X(field, type, kind, def, choices, doc)                                  \
  rows.push_back(OptionInfo{"", OptionType::kind, choices, doc,                           \
                            format_value(defaults.field, OptionType::kind)});
    LOCKSTEP_OPTION_TABLE(LOCKSTEP_X)
#undef LOCKSTEP_X
    static const std::vector<std::string> keys = {
#define LOCKSTEP_X(field, type, kind, def, choices, doc) kebab(#field),
        LOCKSTEP_OPTION_TABLE(LOCKSTEP_X)
#undef LOCKSTEP_X
    };
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].key = keys[i];
    return rows;
  }();
  return table;
}

// Built during static initialisation, on the main thread: this library is not
// instrumented under ThreadSanitizer, so a lazy function-local static's guard would be
// checked by an uninstrumented load and TSan would not see that another OS thread's
// later reads (memcpy of the strings) happen after the construction.
[[maybe_unused]] const auto& kOptionTableBuiltEarly = option_table();

void Options::set(std::string_view key, std::string_view value) {
#define LOCKSTEP_X(field, type, kind, def, choices, doc)                        \
  if (key == kebab(#field)) {                                                   \
    type parsed = field;                                                        \
    parse_into(parsed, key, value, OptionType::kind, choices);                  \
    field = parsed;                                                             \
    return;                                                                     \
  }
  LOCKSTEP_OPTION_TABLE(LOCKSTEP_X)
#undef LOCKSTEP_X
  throw OptionError("unknown option '" + std::string(key) + "' (valid: " + valid_keys() + ")");
}

void Options::apply(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string pair;
  while (in >> pair) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw OptionError("malformed option '" + pair + "' (expected key=value; valid keys: " +
                        valid_keys() + ")");
    }
    set(std::string_view(pair).substr(0, eq), std::string_view(pair).substr(eq + 1));
  }
}

Options Options::with_environment() const {
  Options result = *this;
  if (const char* text = std::getenv("LOCKSTEP_OPTIONS"); text != nullptr) {
    try {
      result.apply(text);
    } catch (const OptionError& error) {
      throw OptionError(std::string("LOCKSTEP_OPTIONS: ") + error.what());
    }
  }
  if (const char* token = std::getenv("LOCKSTEP_REPLAY"); token != nullptr && *token != '\0') {
    result.replay = token;
    result.strategy = "replay";
  }
  return result;
}

std::string Options::to_string() const {
  std::string text;
  const auto& table = option_table();
  std::size_t row = 0;
#define LOCKSTEP_X(field, type, kind, def, choices, doc)                                   \
  text += (text.empty() ? "" : " ") + std::string(table[row++].key) + "=" +                \
          format_value(field, OptionType::kind);
  LOCKSTEP_OPTION_TABLE(LOCKSTEP_X)
#undef LOCKSTEP_X
  return text;
}

std::string options_reference_markdown() {
  std::string text =
      "# Options\n\n"
      "Generated from `LOCKSTEP_OPTION_TABLE` in `harness/include/lockstep/options.h`; do not "
      "edit by hand (regenerate with `lockstep options --markdown`).\n\n"
      "Set them in code (`lockstep::Options`), in `LOCKSTEP_OPTIONS=\"key=value ...\"`, or as "
      "`--key=value` flags of the `lockstep` command. `LOCKSTEP_REPLAY=<token>` sets "
      "`replay` and `strategy=replay`.\n\n"
      "| key | type | default | description |\n|---|---|---|---|\n";
  for (const OptionInfo& info : option_table()) {
    std::string type = type_name(info.type);
    if (!info.choices.empty()) type = std::string(info.choices);
    std::string def = info.default_text.empty() ? "(empty)" : info.default_text;
    std::string escaped_type;
    for (char c : type) {
      if (c == '|') escaped_type += "\\";
      escaped_type += c;
    }
    text += "| `" + std::string(info.key) + "` | " + escaped_type + " | `" + def + "` | " +
            std::string(info.description) + " |\n";
  }
  return text;
}

}  // namespace lockstep
