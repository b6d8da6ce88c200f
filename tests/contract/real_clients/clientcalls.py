"""Counts the calls a real client makes against the sandbox and fails the script on any failure.

Every call is one thing a new user would do with the client (list runs, read a job, rerun ...).
A call fails when the client raises, or when its answer does not hold what the check expects.
The script ends with the line "N calls, M failures" and exits 1 when M > 0.
"""

import os
import sys
import traceback


class Calls:
    def __init__(self, client):
        self.client = client
        self.count = 0
        self.failures = 0

    def call(self, name, fn, check=None):
        """Run fn(); check(result) must hold (a false value or an exception is a failure)."""
        self.count += 1
        try:
            result = fn()
            if check is not None and not check(result):
                raise AssertionError("unexpected answer: %r" % (result,))
            print("ok   %s: %s" % (self.client, name), flush=True)
            return result
        except Exception:  # the client's own errors are what this test is for
            self.failures += 1
            print("FAIL %s: %s" % (self.client, name), flush=True)
            traceback.print_exc(file=sys.stdout)
            return None

    def finish(self):
        print("%s: %d calls, %d failures" % (self.client, self.count, self.failures), flush=True)
        sys.exit(1 if self.failures or self.count == 0 else 0)


def env(name):
    value = os.environ.get(name)
    if not value:
        print("missing environment variable %s" % name)
        sys.exit(2)
    return value
