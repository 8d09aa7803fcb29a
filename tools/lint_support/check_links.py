#!/usr/bin/env python3
"""Checks the links of README.md and docs/*.md (tools/lint links).

1. Every relative link (inline `[text](target)`, an image's `![alt](src)`,
   a reference definition `[label]: target`) names a file or directory that
   exists, relative to the page that holds it, inside the repository.
2. Where it has `#anchor`, the anchor is a heading of the page it names (or
   of its own page, for `#anchor` alone), by GitHub's rules for heading ids:
   the heading's text as rendered (no `code` marks, emphasis or link
   targets), lowercased, every character that is not a letter, digit, space,
   '-' or '_' dropped, each space turned into '-'; the second heading with
   the same id gets "-1", the third "-2", and so on. An explicit
   `<a name="x">` or `id="x"` counts too. A link into a file that is not
   Markdown may only have GitHub's line anchors (`#L10`, `#L10-L20`).
3. README.md has at most MAX_README_LINES lines: the page a newcomer reads
   in five minutes; the reference belongs in docs/.

Links with a scheme (https:, mailto:) are not followed. Code is skipped:
fenced blocks and `code spans`, where brackets are not links.

    check_links.py [--self-test] [ROOT]

--self-test copies README.md and docs/ into a temporary directory (the rest
of the repository linked in beside them, so links to sources still
resolve), checks that the copy passes as it is, then seeds one mistake at a
time (a link to a missing file, to a missing heading of another page and of
its own, one duplicate heading too many, punctuation kept in an anchor, a
line anchor into a Markdown page, a heading anchor into a source file, links
in code beside one in prose, a heading in a fenced block, a link out of the
repository, a README of MAX_README_LINES + 1 lines) and fails unless each is
reported, and nothing else: a finding about a correct link is a failure too.
"""

import difflib
import os
import re
import shutil
import sys
import tempfile
import urllib.parse

MAX_README_LINES = 250

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
EXPLICIT_ANCHOR = re.compile(r"<a\s[^>]*\bname=\"([^\"]+)\"|\bid=\"([^\"]+)\"")
# `](` starts an inline link's destination: <...> or a run of non-space
# characters with balanced parentheses, then an optional title.
INLINE_DEST = re.compile(
    r"\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\((?:[^\s()]|\([^\s()]*\))*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:\s*(<[^<>\n]*>|\S+)")  # not [^1]: footnotes
LINE_ANCHOR = re.compile(r"^L\d+(?:-L\d+)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def pages(root):
    """The checked pages, relative to root: README.md, then docs/*.md."""
    found = []
    if os.path.isfile(os.path.join(root, "README.md")):
        found.append("README.md")
    docs = os.path.join(root, "docs")
    if os.path.isdir(docs):
        found += sorted("docs/" + n for n in os.listdir(docs) if n.endswith(".md"))
    return found


def prose_lines(text):
    """(line number, line) of every line outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and \
                    not line.strip()[len(m.group(1)):]:
                fence = None
            continue
        yield number, line


def rendered_text(heading):
    """A heading's text as GitHub renders it: code marks, emphasis marks,
    link targets, images and HTML tags gone."""
    text = CODE_SPAN.sub(lambda m: m.group(2).strip(), heading)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*+|(?<!\w)_+|_+(?!\w))", "", text)  # emphasis, not snake_case
    return text.strip()


def slug(text):
    """GitHub's id for a heading's rendered text (github-slugger)."""
    text = text.lower()
    kept = "".join(c for c in text if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def anchors(text):
    """Every id a page defines: its headings' slugs, with GitHub's -1, -2
    for repeats, and explicit <a name> / id attributes."""
    seen = {}
    ids = set()
    previous = None  # the paragraph line a setext underline would make a heading
    for _, line in prose_lines(text):
        heading = None
        m = ATX_HEADING.match(line)
        if m:
            heading = m.group(2) or ""
        elif previous is not None and SETEXT_UNDERLINE.match(line):
            heading = previous
        if heading is not None:
            base = slug(rendered_text(heading))
            n = seen.get(base, 0)
            seen[base] = n + 1
            ids.add(base if n == 0 else "%s-%d" % (base, n))
            previous = None
        else:
            stripped = line.strip()
            # Only a plain paragraph line can take a setext underline.
            plain = stripped and not re.match(r"^([-*+>|]|\d+[.)]\s|<)", stripped)
            previous = line if plain else None
        for a in EXPLICIT_ANCHOR.finditer(line):
            ids.add(a.group(1) or a.group(2))
    return ids


def links(text):
    """(line number, target) of every link outside code."""
    for number, line in prose_lines(text):
        m = REFERENCE_DEF.match(line)
        if m:
            yield number, m.group(1)
            continue
        # Code spans hold no links; blank them out, keeping the columns.
        plain = CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line)
        for d in INLINE_DEST.finditer(plain):
            yield number, d.group(1)


def check(root, texts=None):
    """Findings for the pages under root; `texts` maps a page's path to the
    text to check instead of the file's (the self-test's seeds)."""
    texts = dict(texts or {})
    for page in pages(root):
        if page not in texts:
            with open(os.path.join(root, page), encoding="utf-8") as f:
                texts[page] = f.read()
    findings = []
    readme = texts.get("README.md")
    if readme is not None:
        count = len(readme.splitlines())
        if count > MAX_README_LINES:
            findings.append("README.md: %d lines, more than %d: move the reference into docs/"
                            % (count, MAX_README_LINES))
    anchor_cache = {}

    def anchors_of(page):
        if page not in anchor_cache:
            if page in texts:
                text = texts[page]
            else:
                with open(os.path.join(root, page), encoding="utf-8") as f:
                    text = f.read()
            anchor_cache[page] = anchors(text)
        return anchor_cache[page]

    for page in sorted(texts):
        for number, target in links(texts[page]):
            where = "%s:%d: link %r" % (page, number, target)
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            path, _, fragment = target.partition("#")
            path = urllib.parse.unquote(path)
            fragment = urllib.parse.unquote(fragment)
            if path.startswith("/"):
                findings.append("%s: an absolute path; write it relative to %s" % (where, page))
                continue
            if path:
                named = os.path.normpath(os.path.join(os.path.dirname(page), path))
                # Lexically: GitHub serves nothing above the repository.
                if named == ".." or named.startswith("../"):
                    findings.append("%s: leads out of the repository" % where)
                    continue
                if not os.path.exists(os.path.join(root, named)):
                    findings.append("%s: no such file or directory: %s" % (where, named))
                    continue
            else:
                named = page
            if not fragment:
                continue
            if not named.endswith(".md"):
                if os.path.isfile(os.path.join(root, named)) and LINE_ANCHOR.match(fragment):
                    continue
                findings.append("%s: #%s in %s, which is not a Markdown page (only #L10 or "
                                "#L10-L20 anchors there)" % (where, fragment, named))
                continue
            ids = anchors_of(named)
            if fragment not in ids:
                near = difflib.get_close_matches(fragment, sorted(ids), n=3)
                findings.append("%s: no heading #%s in %s%s" % (
                    where, fragment, named, " (near: %s)" % ", ".join("#" + n for n in near)
                    if near else ""))
    return findings


def self_test(root):
    findings = check(root)
    if findings:
        print("self-test: the pages as they are must pass, but:")
        print("\n".join("  " + f for f in findings))
        return 1
    temp = tempfile.mkdtemp(prefix="check_links.")
    try:
        # The pages copied, everything else linked in beside them.
        for name in os.listdir(root):
            if name in ("README.md", "docs"):
                continue
            os.symlink(os.path.join(os.path.realpath(root), name), os.path.join(temp, name))
        shutil.copy(os.path.join(root, "README.md"), os.path.join(temp, "README.md"))
        shutil.copytree(os.path.join(root, "docs"), os.path.join(temp, "docs"), symlinks=True)
        if check(temp):
            print("self-test: FAIL: the temporary copy does not pass as the pages do:")
            print("\n".join("  " + f for f in check(temp)))
            return 1
        failed = 0
        for what, page, seed, expected in seeds(temp):
            original = open(os.path.join(temp, page), encoding="utf-8").read()
            with open(os.path.join(temp, page), "w", encoding="utf-8") as f:
                f.write(seed(original))
            try:
                got = check(temp)
            finally:
                with open(os.path.join(temp, page), "w", encoding="utf-8") as f:
                    f.write(original)
            # Exactly the seeded mistake: a finding about anything else
            # (the seed's correct links included) is a bug of the check.
            hits = [f for f in got if expected in f]
            others = [f for f in got if expected not in f]
            if hits and not others:
                print("self-test: caught %s:\n    %s" % (what, hits[0]))
            elif hits:
                print("self-test: FAIL: %s was reported, but so was what is right:\n    %s"
                      % (what, "\n    ".join(others)))
                failed += 1
            else:
                print("self-test: FAIL: %s went unreported (want %r; got %s)"
                      % (what, expected, got or "nothing"))
                failed += 1
        return 1 if failed else 0
    finally:
        shutil.rmtree(temp)


def padded(lines, count):
    """`lines` with lines of prose added at the end to make `count` (its
    headings, and so the other pages' links into it, kept)."""
    return lines + ["More text, line %d." % n for n in range(len(lines) + 1, count + 1)]


def seeds(root):
    """(what, page, how to seed it, what the check must report)."""
    doc = next(p for p in pages(root) if p.startswith("docs/"))
    appended = lambda extra: (lambda text: text.rstrip("\n") + "\n\n" + extra + "\n")
    return [
        ("a link to a missing file", "README.md",
         appended("See [the guide](docs/no-such-page.md)."),
         "no such file or directory: docs/no-such-page.md"),
        ("a link to a missing heading of another page", "README.md",
         appended("See [it](%s#no-such-heading)." % doc),
         "no heading #no-such-heading in %s" % doc),
        ("a link to a missing heading of its own page", doc,
         appended("See [above](#nowhere-on-this-page)."),
         "no heading #nowhere-on-this-page in %s" % doc),
        ("one duplicate heading too many", doc,
         appended("## Twice\n\n## Twice\n\n[first](#twice), [second](#twice-1), [third](#twice-2)"),
         "no heading #twice-2"),
        ("a heading's punctuation and code kept in its anchor", doc,
         appended("## `os::Root`: a heading, with punctuation\n\n[x](#osroot-a-heading-with-punctuation), "
                  "[y](#os::root:-a-heading,-with-punctuation)"),
         "no heading #os::root:-a-heading,-with-punctuation"),
        ("a line anchor into a Markdown page", "README.md",
         appended("See [line 3](%s#L3)." % doc),
         "no heading #L3 in %s" % doc),
        ("an anchor into a source file", "README.md",
         appended("See [the table](BUILD#the-table)."),
         "#the-table in BUILD, which is not a Markdown page"),
        ("a missing file linked from prose, beside links in code that are not links", "README.md",
         appended("`[a](docs/in-a-code-span.md)`\n\n```\n[b](docs/in-a-fence.md)\n```\n\n"
                  "[c](docs/in-prose.md)"),
         "no such file or directory: docs/in-prose.md"),
        ("a heading in a fenced block, which makes no anchor", doc,
         appended("```sh\n## not a heading\n```\n\n[x](#not-a-heading)"),
         "no heading #not-a-heading"),
        ("a link out of the repository", "README.md",
         appended("See [the parent](../outside.md)."),
         "leads out of the repository"),
        ("a README of %d lines" % (MAX_README_LINES + 1), "README.md",
         lambda text: "\n".join(padded(text.splitlines(), MAX_README_LINES + 1)) + "\n",
         "README.md: %d lines, more than %d" % (MAX_README_LINES + 1, MAX_README_LINES)),
    ]


def main(argv):
    args = argv[1:]
    run_self_test = "--self-test" in args
    if run_self_test:
        args.remove("--self-test")
    root = args[0] if args else "."
    if run_self_test:
        return self_test(root)
    findings = check(root)
    checked = pages(root)
    print("%d pages checked (%s); README.md: %d lines of at most %d" % (
        len(checked), ", ".join(checked),
        len(open(os.path.join(root, "README.md"), encoding="utf-8").read().splitlines()),
        MAX_README_LINES))
    if findings:
        print("\n".join(findings))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
