#ifndef SYSPORT_OS_QUOTE_H_
#define SYSPORT_OS_QUOTE_H_

// File names as sysport's messages show them. A name is bytes chosen by
// whoever made the file: a newline in it forges a second line of a log, an
// escape sequence rewrites the user's terminal. Messages therefore show names
// the way coreutils' diagnostics do (its "shell-escape" quoting style): in a
// form a POSIX shell with $'...' (bash, zsh, ksh, busybox sh) reads back as
// the same bytes, so a user can paste it.
//
//   dir/f.txt        ->  dir/f.txt             (nothing to quote)
//   a b, a*b, |0     ->  'a b', 'a*b', '|0'
//   it's             ->  "it's"
//   a<newline>b      ->  'a'$'\n''b'
//   a<ESC>[31m       ->  'a'$'\033''[31m'
//
// What counts as printable follows the C library's current LC_CTYPE locale,
// as in coreutils: in a UTF-8 locale "café" is shown as it is; in the "C"
// locale (a program that never calls setlocale) every byte above 0x7f is an
// octal escape. Bytes that are not a valid character are escaped one by one.

#include <string>
#include <string_view>

namespace sysport::os {

// `name` as it is when a shell would read it back unchanged, quoted when not:
// coreutils' quotef(), what cat and PathError use ("open 'a b': ...").
std::string QuoteName(std::string_view name);

// `name` always in quotes: coreutils' quote(), what cp uses where a name stands
// alone in a sentence ("'f' and 'f' are the same file").
std::string QuoteNameAlways(std::string_view name);

}  // namespace sysport::os

#endif  // SYSPORT_OS_QUOTE_H_
