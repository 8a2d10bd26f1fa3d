#!/usr/bin/env python3
# Phase timeline of one Connect (README.md): starts a headless desk and one
# client (`--code -`) against RELAY_URL; once the client is up, types the
# code into its stdin TYPING_S seconds later (default 3), then polls both
# status files every ~0.5 ms and prints each change, ms from the code
# given; with MIB, the desk sends that many random MiB and the SUMMARY
# line has the file rate.
#   TETHER_BUILD=build [TYPING_S=3] phases.py RELAY_URL CA_FILE linux|windows [MIB] [-q]
# The Linux client serves DISPLAY_FOR_LINUX (default :99; start Xvfb there first); the Windows
# one runs under `wine` with the caller's WINEPREFIX.
import os, subprocess, sys, time, tempfile, signal
B = os.environ.get("TETHER_BUILD", "build")  # a finished build, with windows/client/tether-client.exe
relay = sys.argv[1]; ca = sys.argv[2]; which = sys.argv[3]; display = os.environ.get("DISPLAY_FOR_LINUX", ":99")
mib = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] != "-q" else 0
typing = float(os.environ.get("TYPING_S", "3"))  # the code is typed this long after the client is up
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
args = ["--allow-files", "--headless", "--code", "-", "--status-file", d + "/client.status", "--relay", relay, "--ca", ca]
if which == "windows":
    cmd = ["wine", B + "/windows/client/tether-client.exe"] + args + ["--download-dir", "Z:" + d]
    cenv = {k: v for k, v in env.items() if k != "DISPLAY"}
else:
    cmd = [B + "/bin/tether-client"] + args + ["--download-dir", d, "--display", display]
    cenv = env
t_start = time.monotonic()
cl = subprocess.Popen(cmd, env=cenv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while status(d + "/client.status").get("active") != "no": time.sleep(0.01)  # up, waiting for the code
time.sleep(typing)
cl.stdin.write((code + "\n").encode()); cl.stdin.flush()
t0 = time.monotonic()  # the code given
seen = [(t0, "bench", "code given")]; last = None; lastd = None
end = time.monotonic() + 60
while time.monotonic() < end:
    s = status(d + "/client.status"); now = time.monotonic()
    key = (s.get("active"), s.get("status"), bool(s.get("auth")))
    if key != last and s:
        last = key
        seen.append((now, "client", "active=%s status=%s auth=%s" % key))
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
    print("%+8.1f ms  %-6s %s" % ((t - t0) * 1000, who, what))
