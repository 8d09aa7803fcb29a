#include "os/quote.h"

#include <clocale>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sysport::os {
namespace {

// Expected strings are what coreutils 9.1 prints for the same names
// (`ls --quoting-style=shell-escape` and `...-always`, cat's and cp's
// diagnostics) in the "C" locale, except where noted.

TEST(QuoteNameTest, PlainNamesStayAsTheyAre) {
  for (const char* name : {"f", "dir/f.txt", "-", "a,b", "a:b", "a@b", "%a", "+a", "a]", "{a}",
                           "a~", "a#", "_x.y-z"}) {
    EXPECT_EQ(QuoteName(name), name);
  }
}

TEST(QuoteNameTest, QuotedWhereAShellWouldReadItDifferently) {
  struct Case {
    std::string name;
    std::string want;
  };
  const std::vector<Case> cases = {
      // Characters special to a shell: the whole name in single quotes.
      {"a b", "'a b'"},
      {"|0", "'|0'"},
      // '#' and '~' matter only at the start of a word.
      {"#a", "'#a'"},
      {"~a", "'~a'"},
      {"", "''"},
      // A single quote: double quotes, unless they would still expand
      // something; then '\''.
      {"it's", "\"it's\""},
      {"a' b", "\"a' b\""},
      {"a'$b", "'a'\\''$b'"},
      {"a'!", "'a'\\''!'"},
      {"a'\"b", "'a'\\''\"b'"},
      // Unprintable bytes: $'...' escapes, consecutive ones together.
      {"a\nb", "'a'$'\\n''b'"},
      {"a\n\tb", "'a'$'\\n\\t''b'"},
      {"a\033[31mb", "'a'$'\\033''[31mb'"},
      {"a\177", "'a'$'\\177'"},
      {std::string("a\0b", 3), "'a'$'\\000''b'"},
      // coreutils writes ''$'\n' here; both read back as one newline.
      {"\n", "$'\\n'"},
      {"it's\n", "'it'\\''s'$'\\n'"},
  };
  for (const Case& c : cases) EXPECT_EQ(QuoteName(c.name), c.want) << c.name;
  for (const char c : std::string(" !\"$&()*;<=>?[\\^`|")) {
    const std::string name = std::string("a") + c + "b";
    EXPECT_EQ(QuoteName(name), "'" + name + "'") << name;
  }
}

TEST(QuoteNameTest, BytesAboveAsciiInTheCLocale) {
  ASSERT_NE(std::setlocale(LC_CTYPE, "C"), nullptr);
  EXPECT_EQ(QuoteName("x\xc3\xa9"), "'x'$'\\303\\251'");
  EXPECT_EQ(QuoteName("x\xff"), "'x'$'\\377'");
}

TEST(QuoteNameTest, UnicodeInAUtf8Locale) {
  // C.UTF-8 ships with Debian's libc-bin; a qemu-user sysroot may lack it.
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) {
    GTEST_SKIP() << "no C.UTF-8 locale here";
  }
  EXPECT_EQ(QuoteName("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(QuoteName("caf\xc3\xa9 au lait"), "'caf\xc3\xa9 au lait'");
  // Not UTF-8: the stray byte is escaped, the rest shown.
  EXPECT_EQ(QuoteName("\xc3\xa9\xff"), "'\xc3\xa9'$'\\377'");
  // A C1 control (U+009B, CSI) is not printable.
  EXPECT_EQ(QuoteName("a\xc2\x9b"), "'a'$'\\302\\233'");
  EXPECT_EQ(QuoteName("a\xc3"), "'a'$'\\303'");  // cut short
  (void)std::setlocale(LC_CTYPE, "C");
}

TEST(QuoteNameAlwaysTest, QuotesEvenPlainNames) {
  EXPECT_EQ(QuoteNameAlways("f"), "'f'");
  EXPECT_EQ(QuoteNameAlways("it's"), "\"it's\"");
  EXPECT_EQ(QuoteNameAlways("a\nb"), "'a'$'\\n''b'");
  EXPECT_EQ(QuoteNameAlways(""), "''");
}

}  // namespace
}  // namespace sysport::os
