#include "os/quote.h"

#include <cstddef>
#include <cwchar>
#include <cwctype>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"

namespace sysport::os {
namespace {

// One character of a name: its bytes, and whether a terminal shows it as
// itself.
struct Char {
  std::string_view bytes;
  bool printable = false;
};

// The name cut into characters of the current LC_CTYPE locale. ASCII is
// decided without the locale; a byte that does not start a valid, complete
// character is a character of its own, unprintable.
std::vector<Char> Characters(std::string_view name) {
  std::vector<Char> chars;
  std::mbstate_t state{};
  size_t i = 0;
  while (i < name.size()) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte < 0x80) {
      chars.push_back({name.substr(i, 1), byte >= 0x20 && byte < 0x7f});
      ++i;
      continue;
    }
    wchar_t wc = 0;
    const size_t n = std::mbrtowc(&wc, name.data() + i, name.size() - i, &state);
    if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2) || n == 0) {
      // Invalid or cut short: escape this byte and start afresh after it.
      state = std::mbstate_t{};
      chars.push_back({name.substr(i, 1), false});
      ++i;
      continue;
    }
    chars.push_back({name.substr(i, n), std::iswprint(static_cast<wint_t>(wc)) != 0});
    i += n;
  }
  return chars;
}

// The characters a shell treats specially anywhere in a word (the set
// coreutils' shell quoting styles quote for), and those special only at its
// start ('#' starts a comment, '~' a home directory).
bool SpecialAnywhere(char c) {
  return std::string_view(" !\"$&'()*;<=>?[\\^`|").find(c) != std::string_view::npos;
}
bool SpecialAtStart(char c) { return c == '#' || c == '~'; }

// Inside double quotes a shell still expands these ('!' in interactive bash).
bool SpecialInDoubleQuotes(char c) {
  return std::string_view("\"$`\\!").find(c) != std::string_view::npos;
}

// An unprintable byte inside $'...': the C escapes a shell knows, else octal.
std::string Escape(unsigned char byte) {
  switch (byte) {
    case '\a':
      return "\\a";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\v':
      return "\\v";
    default:
      return absl::StrFormat("\\%03o", byte);
  }
}

std::string Quote(std::string_view name, bool always) {
  if (name.empty()) return "''";
  const std::vector<Char> chars = Characters(name);
  bool unprintable = false;
  bool special = false;
  bool single_quote = false;
  bool special_in_double_quotes = false;
  for (size_t i = 0; i < chars.size(); ++i) {
    const Char& c = chars[i];
    if (!c.printable) {
      unprintable = true;
      continue;
    }
    if (c.bytes.size() != 1) continue;  // printable multibyte: never special
    const char ascii = c.bytes[0];
    if (SpecialAnywhere(ascii) || (i == 0 && SpecialAtStart(ascii))) special = true;
    if (ascii == '\'') single_quote = true;
    if (SpecialInDoubleQuotes(ascii)) special_in_double_quotes = true;
  }
  if (!unprintable && !special && !always) return std::string(name);
  if (!unprintable && single_quote && !special_in_double_quotes) {
    return absl::StrFormat("\"%s\"", name);  // "it's": easier to read than 'it'\''s'
  }
  // Printable runs in '...', a quote as \', unprintable runs as $'...'.
  std::string out;
  enum class In { kNothing, kQuotes, kEscapes } in = In::kNothing;
  auto enter = [&](In want) {
    if (in == want) return;
    if (in != In::kNothing) out += '\'';
    if (want == In::kQuotes) out += '\'';
    if (want == In::kEscapes) out += "$'";
    in = want;
  };
  for (const Char& c : chars) {
    if (!c.printable) {
      enter(In::kEscapes);
      for (const char byte : c.bytes) out += Escape(static_cast<unsigned char>(byte));
    } else if (c.bytes == "'") {
      enter(In::kNothing);
      out += "\\'";
    } else {
      enter(In::kQuotes);
      out += c.bytes;
    }
  }
  enter(In::kNothing);
  return out;
}

}  // namespace

std::string QuoteName(std::string_view name) { return Quote(name, /*always=*/false); }

std::string QuoteNameAlways(std::string_view name) { return Quote(name, /*always=*/true); }

}  // namespace sysport::os
