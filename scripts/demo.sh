#!/usr/bin/env bash
# Set up and run the main job on the bundled default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
bin=build/edgesplit
scenario=scenarios/examples/default.yaml

echo "== the model zoo"
"$bin" models
echo
echo "== the default scenario's model"
"$bin" model show vgg16
