// Build-time step of the live book (tools/browser_assets.py runs it under Node, never at read time):
// unpack the pinned wheels into Pyodide's file system, import what hakit's panels and exercises
// import, compile those modules to bytecode with Pyodide's own Python (so the magic number is the
// browser's) and write one zip in which they are .pyc files without source: the reader's browser
// then skips compiling them. Modules nothing imports stay .py.
//
// usage: node compile_site.mjs <pyodide dir> <out.zip> <hakit.zip> <wheel>...
import fs from "node:fs";
import path from "node:path";

const [pyodideDir, outZip, hakitZip, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(path.resolve(pyodideDir, "pyodide.mjs"));
const py = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
py.FS.mkdirTree("/tmp/site");
py.FS.mkdirTree("/tmp/hakit");
for (const w of wheels) {
  py.unpackArchive(new Uint8Array(fs.readFileSync(w)), "wheel", { extractDir: "/tmp/site" });
}
py.unpackArchive(new Uint8Array(fs.readFileSync(hakitZip)), "zip", { extractDir: "/tmp/hakit" });
py.runPython(`
import importlib, os, py_compile, sys, zipfile
sys.path[:0] = ["/tmp/site", "/tmp/hakit"]
from hakit import grading, panels
from hakit.panels import browser
for name in panels.names():
    try:
        browser.run(name, "{}")
    except Exception as exc:  # a panel that cannot run here is reported by the tests, not here
        print(f"compile_site: panel {name} did not run: {type(exc).__name__}: {exc}", file=sys.stderr)
try:
    grading.load_all()
except Exception as exc:
    print(f"compile_site: exercises did not load: {exc}", file=sys.stderr)
used = set()
for mod in list(sys.modules.values()):
    f = getattr(mod, "__file__", None) or ""
    if f.startswith("/tmp/site/") and f.endswith(".py"):
        used.add(f)
for f in sorted(used):
    py_compile.compile(f, cfile=f + "c", dfile=f, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
with zipfile.ZipFile("/tmp/site.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for d, dirs, files in os.walk("/tmp/site"):
        dirs[:] = sorted(x for x in dirs if x != "__pycache__")
        for name in sorted(files):
            p = os.path.join(d, name)
            if p in used:
                continue  # shipped as its .pyc
            info = zipfile.ZipInfo(os.path.relpath(p, "/tmp/site"), date_time=(2020, 1, 1, 0, 0, 0))
            with open(p, "rb") as fh:
                z.writestr(info, fh.read(), compress_type=zipfile.ZIP_DEFLATED)
print(f"compile_site: {len(used)} modules compiled")
`);
fs.writeFileSync(outZip, py.FS.readFile("/tmp/site.zip"));
