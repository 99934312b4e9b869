"""Runs AWS CLI commands in one Python process, one JSON line in and one out per command."""
import contextlib
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver

protocol_out = sys.stdout
base_env = dict(os.environ)
for line in sys.stdin:
    request = json.loads(line)
    os.environ.clear()
    os.environ.update(base_env)
    for name in request.get("unset", []):
        os.environ.pop(name, None)
    os.environ.update(request["env"])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = create_clidriver().main(request["args"])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except Exception as e:  # the CLI's own crash is a failed command, not the runner's end
            err.write("%s: %s\n" % (type(e).__name__, e))
            code = 255
    protocol_out.write(json.dumps({"exitCode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\n")
    protocol_out.flush()
