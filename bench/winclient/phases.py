#!/usr/bin/env python3
# Phase timeline of one Connect (README.md): starts a headless desk and one
# client against RELAY_URL, polls both status files every ~1 ms and prints
# each change, ms from the client's "active: yes"; with MIB, the desk sends
# that many random MiB and the SUMMARY line has the file rate.
#   TETHER_BUILD=build phases.py RELAY_URL CA_FILE linux|windows [MIB] [-q]
# The Linux client serves DISPLAY :99 (start Xvfb :99 first); the Windows
# one runs under `wine` with the caller's WINEPREFIX.
import os, subprocess, sys, time, tempfile, signal
B = os.environ.get("TETHER_BUILD", "build")  # a finished build, with windows/client/tether-client.exe
relay = sys.argv[1]; ca = sys.argv[2]; which = sys.argv[3]; display = ":99"
mib = int(sys.argv[4]) if len(sys.argv) > 4 else 0
d = tempfile.mkdtemp(prefix="phases-", dir=os.environ.get("TMPDIR", "/tmp"))
env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
def status(p):
    try:
        out = {}
        for l in open(p):
            if ": " in l: k, v = l.rstrip("\n").split(": ", 1); out[k] = v
        return out
    except OSError: return {}
if mib:
    os.mkdir(os.path.join(d, "src"))
    with open(os.path.join(d, "src", "payload.bin"), "wb") as f: f.write(os.urandom(mib * 1048576))
desk = subprocess.Popen([B + "/bin/tether-desk", "--headless", "--status-file", d + "/desk.status", "--download-dir", d,
                         "--relay", relay, "--ca", ca] + (["--send-file", os.path.join(d, "src", "payload.bin")] if mib else []), env={k: v for k, v in env.items() if k != "DISPLAY"},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
code = None
for _ in range(3000):
    code = status(d + "/desk.status").get("code")
    if code and code.strip("- "): break
    time.sleep(0.01)
code = code.replace(" ", "")
args = ["--allow-files", "--headless", "--code", code, "--status-file", d + "/client.status", "--relay", relay, "--ca", ca]
if which == "windows":
    cmd = ["wine", B + "/windows/client/tether-client.exe"] + args + ["--download-dir", "Z:" + d]
    cenv = {k: v for k, v in env.items() if k != "DISPLAY"}
else:
    cmd = [B + "/bin/tether-client"] + args + ["--download-dir", d, "--display", display]
    cenv = env
t_start = time.monotonic()
cl = subprocess.Popen(cmd, env=cenv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seen = []; last = None; lastd = None; t0 = None
end = time.monotonic() + 60
while time.monotonic() < end:
    s = status(d + "/client.status"); now = time.monotonic()
    key = (s.get("active"), s.get("status"), bool(s.get("auth")))
    if key != last and s:
        last = key
        if t0 is None and s.get("active") == "yes": t0 = now
        seen.append((now, "client", "active=%s auth=%s status=%s" % key))
    ds = status(d + "/desk.status"); dk = ds.get("status")
    if dk != lastd: lastd = dk; seen.append((now, "desk", "status=%s" % dk))
    if s.get("auth"): break
    time.sleep(0.0005)
t_auth = time.monotonic()
f0 = f1 = None
while mib and time.monotonic() < t_auth + 300:
    st = status(d + "/client.status").get("file.1.state")
    if f0 is None and st in ("running", "done"): f0 = time.monotonic()
    if st == "done": f1 = time.monotonic(); break
    time.sleep(0.002)
cl.kill(); desk.kill(); cl.wait(); desk.wait()
print("SUMMARY %s connect %.3f s" % (which, t_auth - t0) + (" file %.2f MB/s" % (mib * 1048576 / 1e6 / (f1 - f0)) if f1 else ""))
if "-q" in sys.argv: seen = []
for t, who, what in seen:
    print("%+8.1f ms  %-6s %s" % ((t - (t0 or t_start)) * 1000, who, what))
