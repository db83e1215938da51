// The sweep runner: journal-per-shard, forked workers, resume, merge (see sweep_runner.hpp).
#include "sim/runner/sweep_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "edgesplit_version.hpp"
#include "sim/common/error.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/exec/fork_pool.hpp"
#include "sim/exec/job.hpp"
#include "sim/exec/simgrid_executor.hpp"
#include "sim/metrics/run_result.hpp"
#include "sim/scenario/sweep.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace edgesplit {

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// Write a whole file atomically: temp file in the same directory, then rename.
void write_atomic(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
    f << content;
    f.flush();
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  fs::rename(tmp, path);
}

// One journal line for a point: deterministic fields plus the two wall-time fields.
std::string journal_line(std::size_t index, const std::vector<SweptValue>& swept, const std::string& planner,
                         const RunResult& r, double plan_s, double wall_s, const std::string& plan_note = "") {
  nlohmann::json sw = nlohmann::json::array();
  for (const auto& s : swept) sw.push_back(s.value);
  nlohmann::json j = {{"index", index},          {"key", r.key},          {"swept", sw},
                      {"planner", planner},      {"plan_note", plan_note}, {"csv", csv_row(r)},
                      {"result", to_json(r, false)}, {"plan_s", plan_s},  {"wall_s", wall_s}};
  return j.dump();
}

RunResult error_result(const std::string& scenario, const std::string& key, const std::string& message) {
  RunResult r;
  r.scenario = scenario;
  r.key = key;
  r.status = "error";
  r.error = message;
  return r;
}

fs::path journal_dir(const fs::path& out) { return out / "journal"; }
fs::path journal_path(const fs::path& out, int shard, int shards) {
  return journal_dir(out) / fmt::format("shard-{}-of-{}.jsonl", shard, shards);
}

// Reads a journal; drops a torn last line (a kill -9 in the middle of a write) by truncating the file to its last
// complete line, so later appends start clean. Returns the parsed lines.
std::vector<nlohmann::json> read_journal(const fs::path& path, bool repair) {
  std::vector<nlohmann::json> out;
  std::ifstream f(path, std::ios::binary);
  if (!f) return out;
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t good = 0, start = 0, nl;
  while ((nl = content.find('\n', start)) != std::string::npos) {
    try {
      out.push_back(nlohmann::json::parse(content.substr(start, nl - start)));
      good = nl + 1;
    } catch (const nlohmann::json::exception&) {
      break;  // a damaged line: everything from here on is dropped
    }
    start = nl + 1;
  }
  if (repair && good < content.size()) fs::resize_file(path, good);
  return out;
}

struct Counts {
  std::size_t ok = 0, failed = 0, errors = 0;
  void add(const std::string& status) { (status == "ok" ? ok : status == "failed" ? failed : errors)++; }
};

std::string status_of(const nlohmann::json& line) { return line.at("result").value("status", "error"); }

// The child's work on one batch: resolve, plan and simulate each point, reporting each as it finishes.
void run_batch(const SweepExpansion& sweep, const PlanFn& plan_fn, const JobFn& make, const RunOptions& opt,
               const std::vector<std::size_t>& items, const ReportFn& report) {
  struct Pending {
    std::size_t index;
    SweepPoint point;
    std::string planner;
    std::string plan_note;  // what the planner chose and why (Plan::note), kept in runs.jsonl
    SimJob job;
    double plan_s;
    Clock::time_point t0;
  };
  std::vector<Pending> jobs;
  for (std::size_t i : items) {
    auto t0 = Clock::now();
    SweepPoint pt;
    try {
      pt = sweep.at(i);
    } catch (const std::exception& e) {
      report(i, journal_line(i, {}, "", error_result(fmt::format("{}#{}", sweep.name(), i), "", e.what()), 0,
                             seconds_since(t0)));
      continue;
    }
    const Scenario& s = pt.scenario;
    try {
      Plan plan = plan_fn(s);
      double plan_s = seconds_since(t0);
      SimJob job = make(s, plan);
      job.trace = opt.traces;
      jobs.push_back({i, std::move(pt), plan.planner, plan.note, std::move(job), plan_s, t0});
    } catch (const std::exception& e) {
      report(i, journal_line(i, pt.swept, s.planner, error_result(s.name, s.key, fmt::format("planning failed: {}", e.what())),
                             seconds_since(t0), seconds_since(t0)));
    }
  }
  auto finish = [&](Pending& p, RunResult r) {
    if (opt.traces) {
      fs::create_directories(fs::path(opt.out_dir) / "traces");
      write_atomic(fs::path(opt.out_dir) / "traces" / (p.point.scenario.key + ".json"), chrome_trace(r).dump());
    }
    report(p.index, journal_line(p.index, p.point.swept, p.planner, r, p.plan_s, seconds_since(p.t0), p.plan_note));
  };
  if (opt.executor == "analytic") {
    for (auto& p : jobs) finish(p, run_analytic(p.job));
  } else {
    // Replicated and re-planned runs go to the analytic executor (their rows say so in the executor column).
    std::vector<const SimJob*> ptrs;
    std::vector<std::size_t> where;
    for (std::size_t k = 0; k < jobs.size(); ++k)
      if (needs_analytic(jobs[k].job)) finish(jobs[k], run_analytic(jobs[k].job));
      else {
        ptrs.push_back(&jobs[k].job);
        where.push_back(k);
      }
    std::vector<RunResult> results = ptrs.empty() ? std::vector<RunResult>{} : simgrid_run_jobs(ptrs);
    for (std::size_t k = 0; k < where.size(); ++k) finish(jobs[where[k]], std::move(results[k]));
  }
}

class Progress {
 public:
  Progress(bool on, std::size_t todo) : on_(on), todo_(todo), t0_(Clock::now()), last_(t0_) {}
  void tick(std::size_t done, std::size_t failures, bool final = false) {
    if (!on_) return;
    auto now = Clock::now();
    if (!final && std::chrono::duration<double>(now - last_).count() < 0.2) return;
    last_ = now;
    double el = std::chrono::duration<double>(now - t0_).count();
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (todo_ - done) / rate : 0;
    std::fprintf(stderr, "\r[run] %zu/%zu (%.1f%%)  %.1f scenarios/s  failures %zu  ETA %.0f s   ", done, todo_,
                 todo_ ? 100.0 * done / todo_ : 100.0, rate, failures, eta);
    if (final) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool on_;
  std::size_t todo_;
  Clock::time_point t0_, last_;
};

nlohmann::json read_json_file(const fs::path& p) {
  std::ifstream f(p);
  if (!f) throw std::runtime_error(fmt::format("cannot read {}", p.string()));
  return nlohmann::json::parse(f);
}

}  // namespace

std::string runs_csv_header(const std::vector<std::string>& parameters) {
  std::string h = "index";
  for (const auto& p : parameters) h += fmt::format(",{}", csv_quote(p));
  return fmt::format("{},planner,{},plan_wall_s,wall_s", h, csv_header());
}

MergeSummary merge_results(const std::string& out_dir) {
  fs::path out(out_dir);
  fs::path manifest_path = out / "manifest.json";
  if (!fs::exists(manifest_path))
    throw InputError(InputIssue{out_dir, 0, 0, "", "no manifest.json here: not a results directory of `edgesplit run`"});
  nlohmann::json manifest = read_json_file(manifest_path);
  MergeSummary m;
  m.total = manifest.at("points").get<std::size_t>();
  std::vector<std::string> params = manifest.at("parameters").get<std::vector<std::string>>();
  std::map<std::size_t, nlohmann::json> lines;
  if (fs::exists(journal_dir(out))) {
    std::vector<fs::path> journals;
    for (const auto& e : fs::directory_iterator(journal_dir(out)))
      if (e.path().extension() == ".jsonl") journals.push_back(e.path());
    std::sort(journals.begin(), journals.end());
    for (const auto& j : journals)
      for (auto& line : read_journal(j, false)) lines.emplace(line.at("index").get<std::size_t>(), std::move(line));
  }
  Counts c;
  for (std::size_t i = 0; i < m.total; ++i) {
    auto it = lines.find(i);
    if (it == lines.end()) {
      m.missing.push_back(i);
      continue;
    }
    c.add(status_of(it->second));
  }
  m.present = m.total - m.missing.size();
  m.ok = c.ok;
  m.failed = c.failed;
  m.errors = c.errors;
  if (!m.missing.empty()) return m;

  std::string csv = runs_csv_header(params) + "\n";
  std::string jsonl;
  for (const auto& [i, line] : lines) {
    if (i >= m.total) continue;
    std::string row = std::to_string(i);
    for (const auto& v : line.at("swept")) row += fmt::format(",{}", csv_quote(v.get<std::string>()));
    // Points that could not be resolved have no swept values: keep the columns aligned.
    for (std::size_t k = line.at("swept").size(); k < params.size(); ++k) row += ",";
    row += fmt::format(",{},{}", csv_quote(line.at("planner").get<std::string>()), line.at("csv").get<std::string>());
    row += fmt::format(",{:.6f},{:.6f}\n", line.at("plan_s").get<double>(), line.at("wall_s").get<double>());
    csv += row;
    nlohmann::json swept = nlohmann::json::object();
    for (std::size_t k = 0; k < params.size() && k < line.at("swept").size(); ++k) swept[params[k]] = line.at("swept")[k];
    nlohmann::json j = {{"index", i},
                        {"key", line.at("key")},
                        {"swept", swept},
                        {"planner", line.at("planner")},
                        {"plan_note", line.value("plan_note", "")},
                        {"result", line.at("result")},
                        {"plan_wall_s", line.at("plan_s")},
                        {"wall_s", line.at("wall_s")}};
    jsonl += j.dump() + "\n";
  }
  write_atomic(out / "runs.csv", csv);
  write_atomic(out / "runs.jsonl", jsonl);
  return m;
}

RunSummary run_sweep(const std::string& sweep_path, const std::vector<PlannerInfo>& planners, const PlanFn& plan_fn,
                     const RunOptions& opt_in, const JobFn& make) {
  auto t0 = Clock::now();
  RunOptions opt = opt_in;
  if (opt.shards < 1 || opt.shard < 0 || opt.shard >= opt.shards)
    throw InputError(InputIssue{"", 0, 0, "--shard", fmt::format("shard {}/{} is out of range (k/N with 0 <= k < N)",
                                                                 opt.shard, opt.shards)});
  if (opt.executor != "simgrid" && opt.executor != "analytic")
    throw InputError(InputIssue{"", 0, 0, "--executor", unknown_name_message("executor", opt.executor,
                                                                             {"analytic", "simgrid"})});
  SweepExpansion sweep(sweep_path, planners);
  if (opt.out_dir.empty()) opt.out_dir = (fs::path("results") / sweep.name()).string();
  fs::path out(opt.out_dir);
  fs::create_directories(journal_dir(out));

  RunSummary sum;
  sum.out_dir = opt.out_dir;
  sum.total = sweep.size();

  // The manifest says what the journals belong to; a different sweep in the same directory is refused.
  nlohmann::json manifest = {{"sweep", sweep.name()},
                             {"file", fs::absolute(sweep_path).string()},
                             {"points", sweep.size()},
                             {"parameters", sweep.parameters()},
                             {"executor", opt.executor},
                             {"edgesplit_version", kVersion},
                             {"edgesplit_commit", kCommit},
                             {"provenance", "every metric is simulated (executor above) from the scenario's profiles"}};
  fs::path manifest_path = out / "manifest.json";
  if (fs::exists(manifest_path)) {
    nlohmann::json old = read_json_file(manifest_path);
    for (const char* k : {"sweep", "points", "parameters", "executor"})
      if (old.at(k) != manifest.at(k))
        throw InputError(InputIssue{manifest_path.string(), 0, 0, k,
                                    fmt::format("these results belong to another sweep ({} was {}, now {}); use "
                                                "another --out directory",
                                                k, old.at(k).dump(), manifest.at(k).dump())});
  } else {
    write_atomic(manifest_path, manifest.dump(2) + "\n");
  }
  fs::path jpath = journal_path(out, opt.shard, opt.shards);
  std::map<std::size_t, std::string> done;  // index → status
  if (fs::exists(jpath) && fs::file_size(jpath) > 0) {
    if (!opt.resume)
      throw InputError(InputIssue{jpath.string(), 0, 0, "--resume",
                                  "results of an earlier run are here: pass --resume to finish it, or another --out"});
    for (const auto& line : read_journal(jpath, true)) {
      std::size_t i = line.at("index").get<std::size_t>();
      done.emplace(i, status_of(line));
    }
  }

  std::vector<std::size_t> todo;
  Counts counts;
  for (std::size_t i = static_cast<std::size_t>(opt.shard); i < sweep.size(); i += static_cast<std::size_t>(opt.shards)) {
    ++sum.assigned;
    if (auto it = done.find(i); it != done.end()) {
      ++sum.resumed;
      counts.add(it->second);
    } else {
      todo.push_back(i);
    }
  }

  int fd = ::open(jpath.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", jpath.string(), std::strerror(errno)));
  Progress progress(opt.progress, todo.size());
  auto last_sync = Clock::now();
  std::size_t written = 0;
  auto append = [&](const std::string& line) {
    std::string buf = line + "\n";
    // One write() per line: a kill -9 can only ever leave the last line torn, which resume drops.
    if (::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size()))
      throw std::runtime_error(fmt::format("cannot append to {}: {}", jpath.string(), std::strerror(errno)));
    if (seconds_since(last_sync) > 1.0) {
      ::fdatasync(fd);
      last_sync = Clock::now();
    }
    if (opt.crash_after && ++written >= opt.crash_after) ::kill(::getpid(), SIGKILL);
  };
  ForkPoolOptions pool{opt.workers, opt.batch_size, opt.timeout_s};
  run_fork_pool(
      todo, pool, [&](const std::vector<std::size_t>& items, const ReportFn& report) {
        run_batch(sweep, plan_fn, make, opt, items, report);
      },
      [&](std::size_t, const std::string& payload) {
        append(payload);
        counts.add(status_of(nlohmann::json::parse(payload)));
        ++sum.ran;
        progress.tick(sum.ran, counts.failed + counts.errors);
      },
      [&](std::size_t i, const std::string& reason) {
        std::string key, name = fmt::format("{}#{}", sweep.name(), i);
        std::vector<SweptValue> swept;
        try {  // the point resolved in the child, so it resolves here too; only to label the row
          SweepPoint pt = sweep.at(i);
          key = pt.scenario.key;
          name = pt.scenario.name;
          swept = pt.swept;
        } catch (const std::exception&) {
        }
        append(journal_line(i, swept, "", error_result(name, key, reason), 0, 0));
        counts.add("error");
        ++sum.ran;
        progress.tick(sum.ran, counts.failed + counts.errors);
      });
  ::fdatasync(fd);
  ::close(fd);
  progress.tick(sum.ran, counts.failed + counts.errors, true);
  sum.ok = counts.ok;
  sum.failed = counts.failed;
  sum.errors = counts.errors;

  nlohmann::json meta = {{"shard", opt.shard},     {"shards", opt.shards}, {"host", hostname()},
                         {"workers", opt.workers}, {"finished", iso_now()}, {"assigned", sum.assigned},
                         {"resumed", sum.resumed}, {"ran", sum.ran},        {"wall_s", seconds_since(t0)}};
  write_atomic(journal_dir(out) / fmt::format("shard-{}-of-{}.meta.json", opt.shard, opt.shards), meta.dump(2) + "\n");
  MergeSummary m = merge_results(opt.out_dir);
  sum.complete = m.missing.empty();
  sum.wall_s = seconds_since(t0);
  rusage ru{};
  if (::getrusage(RUSAGE_CHILDREN, &ru) == 0) sum.worker_peak_rss_MB = static_cast<double>(ru.ru_maxrss) / 1024.0;
  return sum;
}

}  // namespace edgesplit
