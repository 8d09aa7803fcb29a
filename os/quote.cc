#include "os/quote.h"

#include <algorithm>
#include <cstddef>
#include <cwchar>
#include <cwctype>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sysport::os {
namespace {

// One character of a name: its bytes, and whether a terminal shows it as
// itself.
struct Char {
  std::string_view bytes;
  bool printable = false;
};

// ASCII is decided without the locale: printable from ' ' to '~'.
constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7f;
constexpr unsigned char kFirstNonAscii = 0x80;

// The name cut into characters of the current LC_CTYPE locale. A byte that
// does not start a valid, complete character is a character of its own,
// unprintable.
std::vector<Char> Characters(std::string_view name) {
  std::vector<Char> chars;
  std::mbstate_t state{};
  size_t i = 0;
  while (i < name.size()) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte < kFirstNonAscii) {
      chars.push_back({name.substr(i, 1), byte >= kFirstPrintable && byte != kDelete});
      ++i;
      continue;
    }
    wchar_t wc = 0;
    // Thread-safe: with a state of its own, mbrtowc keeps none (the check
    // cannot tell this call from mbrtowc(..., nullptr)).
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
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

// Special anywhere in a word (the set coreutils' shell quoting styles quote
// for), special only at its start ('#' starts a comment, '~' a home
// directory), and still expanded inside double quotes ('!' in bash).
constexpr std::string_view kSpecial = " !\"$&'()*;<=>?[\\^`|";
constexpr std::string_view kSpecialAtStart = "#~";
constexpr std::string_view kSpecialInDoubleQuotes = "\"$`\\!";

// Whether a name is printable ASCII with nothing special to a shell, as most
// are: it is shown as it is, decided without the locale or a copy.
bool Plain(std::string_view name) {
  if (name.empty() || absl::StrContains(kSpecialAtStart, name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    const auto byte = static_cast<unsigned char>(ch);
    return byte >= kFirstPrintable && byte < kDelete && !absl::StrContains(kSpecial, ch);
  });
}

// What the characters of a name ask of its quoting.
struct Needs {
  bool escapes = false;               // an unprintable character: $'...'
  bool quotes = false;                // a character special to a shell
  bool single_quote = false;          // a ', which '...' cannot hold
  bool double_quotes_unsafe = false;  // a character "..." would still expand
};

Needs Examine(const std::vector<Char>& chars) {
  Needs needs;
  for (size_t i = 0; i < chars.size(); ++i) {
    const Char& c = chars[i];
    if (!c.printable) {
      needs.escapes = true;
    } else if (c.bytes.size() == 1) {  // a printable multibyte character is never special
      needs.quotes = needs.quotes || absl::StrContains(kSpecial, c.bytes) ||
                     (i == 0 && absl::StrContains(kSpecialAtStart, c.bytes));
      needs.single_quote = needs.single_quote || c.bytes == "'";
      needs.double_quotes_unsafe =
          needs.double_quotes_unsafe || absl::StrContains(kSpecialInDoubleQuotes, c.bytes);
    }
  }
  return needs;
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

// Printable runs in '...', a single quote as \', unprintable runs as $'...'.
std::string SingleQuoted(const std::vector<Char>& chars) {
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

std::string Quote(std::string_view name, bool always) {
  if (name.empty()) return "''";
  if (!always && Plain(name)) return std::string(name);
  const std::vector<Char> chars = Characters(name);
  const Needs needs = Examine(chars);
  if (!needs.escapes && !needs.quotes && !always) return std::string(name);
  if (!needs.escapes && needs.single_quote && !needs.double_quotes_unsafe) {
    return absl::StrCat("\"", name, "\"");  // "it's": easier to read than 'it'\''s'
  }
  return SingleQuoted(chars);
}

}  // namespace

std::string QuoteName(std::string_view name) { return Quote(name, /*always=*/false); }

std::string QuoteNameAlways(std::string_view name) { return Quote(name, /*always=*/true); }

}  // namespace sysport::os
