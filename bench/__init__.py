"""The fleet benchmark (issue 9): bw-pulumi against the Pulumi engine's own floor.

Run it with ``bench/run`` (``bench/run --help``); see docs/at-scale.md."""
