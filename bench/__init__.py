"""The fleet benchmark (issue 9): bw-pulumi against the Pulumi engine's own floor.

Run it with ``bench/run`` (``bench/run --help``); see the README's "At scale" section."""
