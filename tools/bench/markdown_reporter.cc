#include "tools/bench/markdown_reporter.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "io/io.h"
#include "tools/bench/copy_bench.h"

namespace sysport::bench {
namespace {

std::string Throughput(double bytes_per_second) {
  const double gib = bytes_per_second / static_cast<double>(int64_t{1} << 30);
  if (gib >= 100) return absl::StrFormat("%.0f GiB/s", gib);
  if (gib >= 1) return absl::StrFormat("%.2f GiB/s", gib);
  return absl::StrFormat("%.0f MiB/s", bytes_per_second / static_cast<double>(int64_t{1} << 20));
}

std::string Duration(double seconds) {
  if (seconds < 1e-3) return absl::StrFormat("%.1f µs", seconds * 1e6);
  if (seconds < 1) return absl::StrFormat("%.1f ms", seconds * 1e3);
  return absl::StrFormat("%.2f s", seconds);
}

// "0.706 (1.42× faster)": a time ratio, and what it means for speed.
std::string Ratio(double r) {
  const bool faster = r <= 1;
  const double factor = faster ? 1 / r : r;
  const std::string shown =
      factor < 10 ? absl::StrFormat("%.2f", factor) : absl::StrFormat("%.0f", factor);
  return absl::StrFormat("%.3g (%s× %s)", r, shown, faster ? "faster" : "slower");
}

Case With(Case c, Kind kind, Variant variant) {
  c.kind = kind;
  c.variant = variant;
  c.buffer = 0;
  return c;
}

std::string Size(int64_t bytes) { return FormatBytes(bytes); }

std::string_view KindLabel(Kind kind) {
  switch (kind) {
    case Kind::kFileToFile:
      return "file to file";
    case Kind::kPipeToFile:
      return "pipe to file";
    case Kind::kFileToPipe:
      return "file to pipe";
    case Kind::kBufferSweep:
      return "sweep";
  }
  return "";
}

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

MarkdownReporter::MarkdownReporter(std::string markdown_path)
    : benchmark::ConsoleReporter(OO_Tabular), markdown_path_(std::move(markdown_path)) {}

void MarkdownReporter::ReportRuns(const std::vector<Run>& runs) {
  // With repetitions, the console shows only the aggregates (mean, median,
  // stddev, cv); the tables take the median of the repetitions themselves.
  const bool aggregated = std::any_of(runs.begin(), runs.end(),
                                      [](const Run& r) { return r.run_type == Run::RT_Aggregate; });
  std::vector<Run> shown;
  std::vector<const Case*> seen;
  for (const Run& run : runs) {
    if (run.run_type == Run::RT_Aggregate || !aggregated) shown.push_back(run);
    if (run.run_type == Run::RT_Aggregate) continue;
    const Case* c = FindCase(run.run_name.function_name);
    if (c == nullptr) continue;
    Measured& m = measured_[run.run_name.function_name];
    if (run.error_occurred) {
      m.error = run.error_message;
    } else if (run.iterations > 0) {
      m.seconds.push_back(run.real_accumulated_time / static_cast<double>(run.iterations));
    }
    if (std::find(seen.begin(), seen.end(), c) == seen.end()) seen.push_back(c);
  }
  ConsoleReporter::ReportRuns(shown);

  // Each ratio as soon as both of its cases are measured (with
  // --benchmark_enable_random_interleaving either may come second).
  auto measured = [this](const Case& c) {
    const Measured* m = Find(c);
    return m != nullptr && m->error.empty() && !m->seconds.empty();
  };
  for (const Case* c : seen) {
    if (c->kind == Kind::kBufferSweep) continue;
    const Case fast = With(*c, c->kind, Variant::kFast);
    const Case generic = With(*c, c->kind, Variant::kGeneric);
    const Case loop = With(*c, c->kind, Variant::kReadWrite32K);
    if ((c->variant == Variant::kFast || c->variant == Variant::kGeneric) && measured(fast) &&
        measured(generic)) {
      GetOutputStream() << "    fast ÷ generic time, " << KindLabel(c->kind) << " " << c->fs << " "
                        << Size(c->size) << ": " << RatioCell(fast, generic) << "\n";
    }
    if (c->kind == Kind::kFileToFile &&
        (c->variant == Variant::kGeneric || c->variant == Variant::kReadWrite32K) &&
        measured(generic) && measured(loop)) {
      GetOutputStream() << "    generic ÷ 32 KiB loop time, " << c->fs << " " << Size(c->size)
                        << ": " << RatioCell(generic, loop) << "\n";
    }
  }
}

void MarkdownReporter::Finalize() {
  ConsoleReporter::Finalize();
  const std::string markdown = Markdown();
  GetOutputStream() << "\n" << markdown;
  if (!markdown_path_.empty()) {
    std::ofstream out(markdown_path_);
    out << markdown;
    if (!out.flush()) GetErrorStream() << "cannot write " << markdown_path_ << "\n";
  }
}

const MarkdownReporter::Measured* MarkdownReporter::Find(const Case& c) const {
  auto it = measured_.find(CaseName(c));
  return it == measured_.end() ? nullptr : &it->second;
}

std::string MarkdownReporter::Cell(const Case& c) const {
  const Measured* m = Find(c);
  if (m == nullptr) return "–";
  if (!m->error.empty()) return absl::StrCat("error: ", m->error);
  if (m->seconds.empty()) return "–";
  const double seconds = Median(m->seconds);
  return absl::StrCat(Throughput(static_cast<double>(c.size) / seconds), " (", Duration(seconds),
                      ")");
}

std::string MarkdownReporter::RatioCell(const Case& a, const Case& b) const {
  const Measured* ma = Find(a);
  const Measured* mb = Find(b);
  if (ma == nullptr || mb == nullptr || ma->seconds.empty() || mb->seconds.empty() ||
      !ma->error.empty() || !mb->error.empty()) {
    return "–";
  }
  return Ratio(Median(ma->seconds) / Median(mb->seconds));
}

std::string MarkdownReporter::Markdown() const {
  return absl::StrCat(FileToFileTable(), PipeTable(), SweepTable());
}

std::string MarkdownReporter::FileToFileTable() const {
  std::string md =
      "### File to file\n\n"
      "Throughput (and time per copy). The last column compares the generic path with a plain "
      "read(2)/write(2) "
      "loop with Go's 32 KiB buffer and no sysport code.\n\n"
      "| filesystem | size | fast path | generic path | fast ÷ generic (time) "
      "| plain read/write loop, 32 KiB | generic ÷ 32 KiB loop (time) |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  bool any = false;
  for (const auto& [name, c] : RegisteredCases()) {
    if (c.kind != Kind::kFileToFile || c.variant != Variant::kFast) continue;
    const Case generic = With(c, Kind::kFileToFile, Variant::kGeneric);
    const Case loop = With(c, Kind::kFileToFile, Variant::kReadWrite32K);
    if (Find(c) == nullptr && Find(generic) == nullptr && Find(loop) == nullptr)
      continue;  // filtered out
    any = true;
    absl::StrAppend(&md, "| ", c.fs, " | ", Size(c.size), " | ", Cell(c), " | ", Cell(generic),
                    " | ", RatioCell(c, generic), " | ", Cell(loop), " | ",
                    RatioCell(generic, loop), " |\n");
  }
  return any ? absl::StrCat(md, "\n") : "";
}

std::string MarkdownReporter::PipeTable() const {
  std::string md =
      "### Pipes\n\n"
      "copy_file_range(2) refuses pipes (EINVAL), so `io::Copy` with the pipe's `os::File` tries "
      "it once and "
      "falls back; the generic path goes there directly.\n\n"
      "| direction | filesystem | size | `io::Copy`, fast path tried | generic path "
      "| tried ÷ generic (time) |\n"
      "| --- | --- | ---: | ---: | ---: | ---: |\n";
  bool any = false;
  for (const auto& [name, c] : RegisteredCases()) {
    if ((c.kind != Kind::kPipeToFile && c.kind != Kind::kFileToPipe) || c.variant != Variant::kFast)
      continue;
    const Case generic = With(c, c.kind, Variant::kGeneric);
    if (Find(c) == nullptr && Find(generic) == nullptr) continue;  // filtered out
    any = true;
    absl::StrAppend(&md, "| ", c.kind == Kind::kPipeToFile ? "pipe → file" : "file → pipe", " | ",
                    c.fs, " | ", Size(c.size), " | ", Cell(c), " | ", Cell(generic), " | ",
                    RatioCell(c, generic), " |\n");
  }
  return any ? absl::StrCat(md, "\n") : "";
}

std::string MarkdownReporter::SweepTable() const {
  // Columns: each (filesystem, size) swept; rows: each buffer size.
  std::vector<std::pair<std::string, int64_t>> columns;
  std::vector<size_t> buffers;
  for (const auto& [name, c] : RegisteredCases()) {
    if (c.kind != Kind::kBufferSweep) continue;
    const std::pair<std::string, int64_t> column(c.fs, c.size);
    if (std::find(columns.begin(), columns.end(), column) == columns.end())
      columns.push_back(column);
    if (std::find(buffers.begin(), buffers.end(), c.buffer) == buffers.end())
      buffers.push_back(c.buffer);
  }
  if (columns.empty()) return "";

  auto seconds = [this](const Case& c) -> double {
    const Measured* m = Find(c);
    return m == nullptr || !m->error.empty() || m->seconds.empty() ? 0 : Median(m->seconds);
  };
  auto sweep_case = [](const std::pair<std::string, int64_t>& column, size_t buffer) {
    return Case{Kind::kBufferSweep, Variant::kBuffer, column.first, column.second, buffer};
  };
  // The best (shortest) time of each column among the buffer sizes.
  std::vector<double> best(columns.size(), 0);
  for (size_t i = 0; i < columns.size(); ++i) {
    for (size_t buffer : buffers) {
      const double s = seconds(sweep_case(columns[i], buffer));
      if (s > 0 && (best[i] == 0 || s < best[i])) best[i] = s;
    }
  }

  std::string md =
      "### The generic path's buffer\n\n"
      "`io::CopyBuffer` with a buffer of each size allocated for each copy (what `io::Copy`'s "
      "generic path does with "
      "`kCopyBufferSize`): throughput, and in brackets its share of the best buffer's for that "
      "column (best in "
      "bold). The last rows are the generic path as built and the plain 32 KiB loop.\n\n"
      "| buffer |";
  std::string rule = "| --- |";
  for (const auto& [fs, size] : columns) {
    absl::StrAppend(&md, " ", fs, " ", Size(size), " |");
    absl::StrAppend(&rule, " ---: |");
  }
  absl::StrAppend(&md, " geometric mean, % of best |\n", rule, " ---: |\n");

  // One row: each column's throughput and its share of the best; the bold
  // cell is the best; the last cell the geometric mean of the shares.
  auto row = [&](const std::string& title, const std::vector<Case>& cases) {
    if (std::none_of(cases.begin(), cases.end(),
                     [this](const Case& c) { return Find(c) != nullptr; }))
      return;
    absl::StrAppend(&md, "| ", title, " |");
    double log_sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      const double s = seconds(cases[i]);
      if (s <= 0 || best[i] <= 0) {
        absl::StrAppend(&md, " – |");
        continue;
      }
      const double share = best[i] / s;
      log_sum += std::log(share);
      ++n;
      const std::string text = absl::StrFormat(
          "%s (%.0f%%)", Throughput(static_cast<double>(cases[i].size) / s), share * 100);
      absl::StrAppend(&md, " ", s == best[i] ? absl::StrCat("**", text, "**") : text, " |");
    }
    absl::StrAppend(
        &md,
        n == 0 ? " – |\n"
               : absl::StrFormat(" %.1f%% |\n", std::exp(log_sum / static_cast<double>(n)) * 100));
  };
  for (size_t buffer : buffers) {
    std::vector<Case> cases;
    for (const auto& column : columns) cases.push_back(sweep_case(column, buffer));
    row(Size(static_cast<int64_t>(buffer)), cases);
  }
  std::vector<Case> generic;
  std::vector<Case> loop;
  for (const auto& [fs, size] : columns) {
    generic.push_back(Case{Kind::kFileToFile, Variant::kGeneric, fs, size, 0});
    loop.push_back(Case{Kind::kFileToFile, Variant::kReadWrite32K, fs, size, 0});
  }
  row(absl::StrCat("`io::Copy` generic path (kCopyBufferSize = ",
                   Size(static_cast<int64_t>(io::kCopyBufferSize)), ")"),
      generic);
  row("plain read/write loop, 32 KiB", loop);
  return absl::StrCat(md, "\n");
}

}  // namespace sysport::bench
