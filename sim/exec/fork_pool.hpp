// A pool of forked children that work through items in batches and stream one line per finished item back to the
// parent. It is what makes a sweep crash-safe and a SimGrid abort harmless: a child that dies loses only its batch,
// whose unreported items are re-run one per child, so the item that kills its child fails alone with the reason.
// Children die with the parent (PR_SET_PDEATHSIG), so `kill -9` of the parent leaves no orphans.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace edgesplit {

struct ForkPoolOptions {
  int workers = 1;                // children at once
  int batch_size = 50;            // items per child
  double timeout_per_item_s = 0;  // a child gets this × its items before SIGALRM ends it (0 = no limit)
};

// In the child: report one finished item. `payload` must not contain a newline.
using ReportFn = std::function<void(std::size_t item, const std::string& payload)>;
// In the child: do the batch, calling report() for each item as it finishes (in any order).
using BatchFn = std::function<void(const std::vector<std::size_t>& items, const ReportFn& report)>;
// In the parent: an item's payload, as soon as its line arrived.
using ResultFn = std::function<void(std::size_t item, const std::string& payload)>;
// In the parent: an item whose child died before reporting it, even when re-run alone; `reason` says how it died
// (signal or exit code, time limit, the child's last stderr lines).
using LostFn = std::function<void(std::size_t item, const std::string& reason)>;

void run_fork_pool(const std::vector<std::size_t>& items, const ForkPoolOptions& options, const BatchFn& batch,
                   const ResultFn& on_result, const LostFn& on_lost);

}  // namespace edgesplit
