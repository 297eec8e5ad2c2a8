"""`notes-audit bench`: throughput, claim-driven savings, memory, workers and pathological input,
measured in one run on one machine (see runner.py for what is measured and how)."""
