// The analytic executor: closed-form timing of a TaskGraph, the planners' inner loop.
//
// What it assumes about the shared air (and so where it differs from the SimGrid executor): every transfer runs
// alone at its route's bottleneck rate — station→station 1/(1/r_src + 1/r_dst) (the air crossed twice),
// station↔cloud min(r_station, cloud bandwidth) — plus the route's latency before it. Transfers that overlap in time
// do NOT slow each other down, and roles that share a device do not share its CPU — unless the graph is
// `sequential_devices` (Plan::sequential_devices): then each device computes its roles one at a time in role-index
// order, frame after frame, in both executors alike (a role computes once its inputs are in and the device's previous
// role in that order has computed; sending does not hold the device). Everything else is the SimGrid executor's
// semantics exactly: each role handles frames in order — receive all inputs, compute, send all outputs and wait until
// they are delivered — and a transfer starts when the sender has waited its latency and the receiver has posted its
// receive (rendezvous). On a plan whose transfers never overlap on the air, and whose roles on one device never
// compute at the same time unless sequential, the two executors agree to 1e-9 s; where transfers overlap, SimGrid is
// slower by the sharing.
#pragma once

#include "sim/exec/job.hpp"
#include "sim/metrics/run_result.hpp"

namespace edgesplit {

struct Evaluation {
  double latency_s = 0;  // one frame alone: the critical path through the graph
  double period_s = 0;   // pipelined stream bound: the slowest role's cycle (max input transfer + compute + max
                         // latency-and-output transfer) and, for sequential devices, each device's compute per
                         // frame; exact for chains, a lower bound otherwise
};

// Allocation-free after warm-up; no dynamics (the platform's initial conditions).
Evaluation evaluate(const TaskGraph& graph, const Platform& platform);

// Every frame of the workload under its arrival process and the job's dynamics, by the exact per-frame recurrence
// of the role semantics above. Failures end the run at the failure time when the failed device holds a role —
// unless the job re-plans (SimJob::replan): then the run is cut into epochs at the dynamics events, each served by
// what the planner deploys on the platform as it stands (a switch drains the previous deployment first), and only
// the frames a failure interrupts are lost. Replicated plans route each frame to one replica (smooth weighted
// round-robin); the replicas run side by side, each gating its own frames.
RunResult run_analytic(const SimJob& job);

}  // namespace edgesplit
