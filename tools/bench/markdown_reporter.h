#ifndef SYSPORT_TOOLS_BENCH_MARKDOWN_REPORTER_H_
#define SYSPORT_TOOLS_BENCH_MARKDOWN_REPORTER_H_

// Google Benchmark's console output, plus, for the cases of copy_bench.h:
// after each generic-path (or 32 KiB loop) result, the time ratio against its
// fast-path (or generic-path) partner of the same size and filesystem; and at
// the end, Markdown tables built from the median time of each case's
// repetitions, written to the output stream and to a file.

#include <map>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tools/bench/copy_bench.h"

namespace sysport::bench {

class MarkdownReporter final : public benchmark::ConsoleReporter {
 public:
  // `markdown_path`: where Finalize() also writes the tables ("" for nowhere).
  explicit MarkdownReporter(std::string markdown_path);

  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // The tables, from what has been reported so far.
  std::string Markdown() const;

 private:
  struct Measured {
    std::vector<double> seconds;  // per copy, one entry per repetition
    std::string error;
  };

  // The median seconds per copy of `c`, or nullptr if it was not run or failed.
  const Measured* Find(const Case& c) const;
  // "2.41 GiB/s (207 ms)", "error: ...", or "–".
  std::string Cell(const Case& c) const;
  // "0.71 (1.41× faster)": the time of `a` over the time of `b`.
  std::string RatioCell(const Case& a, const Case& b) const;

  std::string FileToFileTable() const;
  std::string PipeTable() const;
  std::string SweepTable() const;

  std::string markdown_path_;
  std::map<std::string, Measured> measured_;  // by case name
};

// The median of `values` (the mean of the middle two for an even count).
double Median(std::vector<double> values);

}  // namespace sysport::bench

#endif  // SYSPORT_TOOLS_BENCH_MARKDOWN_REPORTER_H_
