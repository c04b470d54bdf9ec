"""The burst driver, run as its own process so its releases do not share the client's CPU.

    python -m bench.fanout.burst EXERCISE_ID COUNT RATE START_AT   (with the production environment)

Several run side by side, starting together at wall time START_AT. Each prints one JSON
line: how many injects it sent, when it finished, and their seqs.
"""

import json
import os
import sys


def main() -> None:
    exercise_id, count, rate, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    from bench.fanout import environment

    environment.setup_django(dict(os.environ))
    from bench.fanout import parley_side  # needs Django set up

    print(json.dumps(parley_side.burst(exercise_id=exercise_id, count=count, rate=rate, start_at=start_at)))


if __name__ == "__main__":
    main()
