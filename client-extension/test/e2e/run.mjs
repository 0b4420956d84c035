// End-to-end test of the extension in real VS Code: code-server 4.100.3 (VS Code 1.100.3)
// driven by headless Chromium. Run test/e2e/setup.sh first and build the extension
// (npm run bundle). Usage: node --experimental-websocket test/e2e/run.mjs
// Writes screenshots and the scenario's log to <repo>/test-output/. Exits non-zero on any
// failure; every wait has a hard limit.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXT_ROOT = path.resolve(HERE, "../..");
const REPO = path.resolve(EXT_ROOT, "..");
const CACHE = process.env.OWNIT_E2E_CACHE || "/tmp/ownit-vscode-e2e";
const CODE_SERVER = path.join(CACHE, "code-server-4.100.3/node_modules/.bin/code-server");
const OUTPUT = path.join(REPO, "test-output");
const TOTAL_TIMEOUT_MS = Number(process.env.OWNIT_E2E_TIMEOUT_MS || 240_000);
const PREFIX = process.env.OWNIT_E2E_PREFIX || "";
const PYTHON = process.env.OWNIT_E2E_PYTHON || path.join(REPO, ".venv/bin/python");

const started = Date.now();
// No extension gallery: only package registries are reachable, and the test needs none.
const NO_GALLERY = { EXTENSIONS_GALLERY: "{}" };
const children = [];
const say = (message) => console.log(`[vscode-e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(name, command, args, options) {
  const logFile = fs.openSync(path.join(options.logDir, `${name}.log`), "w");
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", logFile, logFile] });
  children.push({ name, child });
  child.on("exit", (code, signal) => say(`${name} exited (${code ?? signal})`));
  return child;
}

function stopAll() {
  pageSession?.close();
  for (const { child } of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

// Stops every child and waits (up to timeoutMs) until each has exited, so nothing still
// writes into the work dir (code-server's logs, the ownit server's store) while it goes.
async function stopAllAndWait(timeoutMs) {
  stopAll();
  const deadline = Date.now() + timeoutMs;
  while (children.some(({ child }) => child.exitCode === null && child.signalCode === null)) {
    if (Date.now() > deadline) {
      break;
    }
    await sleep(100);
  }
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(200);
  }
}

/** A DevTools session over one websocket (to the page, or to the browser itself). */
class Cdp {
  static async connect(url) {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`DevTools websocket ${url} failed`));
    });
    return new Cdp(socket);
  }

  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      const waiter = this.pending.get(message.id);
      if (waiter) {
        this.pending.delete(message.id);
        message.error ? waiter.reject(new Error(message.error.message)) : waiter.resolve(message.result);
      }
    };
  }

  send(method, params = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`DevTools ${method} timed out`));
      }, 15_000);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close() {
    this.socket.close();
  }
}

let pageSession;
let pageOrigin = "http://127.0.0.1";
async function cdp(debugPort, method, params = {}) {
  if (!pageSession) {
    const targets = await (await fetch(`http://127.0.0.1:${debugPort}/json`)).json();
    const page = targets.find((target) => target.type === "page" && target.url.startsWith(pageOrigin));
    if (!page) {
      throw new Error("no page target in Chromium");
    }
    pageSession = await Cdp.connect(page.webSocketDebuggerUrl);
    // A headless window never has focus; the clipboard API needs a focused document.
    await pageSession.send("Emulation.setFocusEmulationEnabled", { enabled: true });
  }
  return pageSession.send(method, params);
}

async function screenshot(debugPort, name) {
  const { data } = await cdp(debugPort, "Page.captureScreenshot", { format: "png" });
  const file = path.join(OUTPUT, `${PREFIX}${name}.png`);
  fs.writeFileSync(file, Buffer.from(data, "base64"));
  say(`screenshot ${path.relative(REPO, file)}`);
}

const QUICK_INPUT_STATE = `(() => {
  const widget = document.querySelector(".quick-input-widget");
  if (!widget || widget.style.display === "none") return null;
  const input = widget.querySelector("input");
  const message = widget.querySelector(".quick-input-message");
  return { value: input ? input.value : null, message: message ? message.textContent : "" };
})()`;

async function evaluate(debugPort, expression) {
  const answer = await cdp(debugPort, "Runtime.evaluate", { expression, returnByValue: true });
  return answer.result ? answer.result.value : undefined;
}

/**
 * Types into VS Code's input box as a person would (real key events through DevTools) and
 * answers with what the box then shows: its value and its validation message.
 */
async function typeIntoQuickInput(debugPort, request) {
  await waitFor("the input box", async () => evaluate(debugPort, QUICK_INPUT_STATE), 10_000);
  if (request.clear) {
    await evaluate(
      debugPort,
      `(() => { const i = document.querySelector(".quick-input-widget input"); i.focus(); i.select(); })()`,
    );
    await cdp(debugPort, "Input.dispatchKeyEvent", { type: "keyDown", key: "Backspace", code: "Backspace", windowsVirtualKeyCode: 8, commands: ["deleteBackward"] });
    await cdp(debugPort, "Input.dispatchKeyEvent", { type: "keyUp", key: "Backspace", code: "Backspace", windowsVirtualKeyCode: 8 });
  }
  if (request.text) {
    await cdp(debugPort, "Input.insertText", { text: request.text });
  }
  await sleep(400);
  const state = await evaluate(debugPort, QUICK_INPUT_STATE);
  if (request.enter) {
    await cdp(debugPort, "Input.dispatchKeyEvent", { type: "rawKeyDown", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13 });
    await cdp(debugPort, "Input.dispatchKeyEvent", { type: "keyUp", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13 });
  }
  return state;
}

function copyDir(from, to, filter = () => true) {
  fs.cpSync(from, to, { recursive: true, filter: (src) => filter(path.relative(from, src)) });
}

function makeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  // The heuristic source counts here from 4 lines up (the default policy leaves it out).
  fs.writeFileSync(
    path.join(dir, ".ownit.yaml"),
    "version: 1\ndefaults:\n  sources:\n    count: [agent-hook, inline-completion, chat-edit, manual, commit-trailer, heuristic]\n    heuristic_min_lines: 4\n",
  );
  fs.writeFileSync(path.join(dir, "notes.py"), "# scratch\n\n");
  fs.writeFileSync(path.join(dir, "keys.py"), "# keys\n\n");
  fs.writeFileSync(
    path.join(dir, "calc.py"),
    "import math\n\n\ndef area(radius):\n    return math.pi * radius * radius\n\n\ndef total(values):\n\n",
  );
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("config", "user.name", "E2E Tester");
  git("config", "user.email", "e2e@ownit.invalid");
  git("add", ".");
  git("commit", "-qm", "initial");
}

async function main() {
  for (const [what, file] of [
    ["code-server (run test/e2e/setup.sh)", CODE_SERVER],
    ["the extension bundle (run npm run bundle)", path.join(EXT_ROOT, "dist/extension.js")],
  ]) {
    if (!fs.existsSync(file)) {
      throw new Error(`missing ${what}: ${file}`);
    }
  }
  fs.mkdirSync(OUTPUT, { recursive: true });
  for (const file of fs.readdirSync(OUTPUT)) {
    if (file.startsWith(`${PREFIX}vscode-`)) {
      fs.rmSync(path.join(OUTPUT, file)); // this run's outputs only: no stale screenshot survives
    }
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ownit-vscode-e2e-"));
  const dirs = Object.fromEntries(
    ["ws", "exts", "ud", "signals", "logs", "xdg-config", "xdg-data", "xdg-state", "xdg-cache", "chrome"].map((name) => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      return [name, dir];
    }),
  );
  say(`work dir ${tmp}`);
  makeWorkspace(dirs.ws);

  // The extension under test: the built .vsix installed the way a user installs it
  // (OWNIT_E2E_VSIX), or this folder copied as VS Code lays out installed extensions.
  const vsix = process.env.OWNIT_E2E_VSIX;
  if (vsix) {
    execFileSync(CODE_SERVER, ["--extensions-dir", dirs.exts, "--user-data-dir", dirs.ud, "--install-extension", path.resolve(vsix)], {
      stdio: "inherit",
      timeout: 120_000,
      env: { ...process.env, ...NO_GALLERY, XDG_CONFIG_HOME: dirs["xdg-config"], XDG_DATA_HOME: dirs["xdg-data"] },
    });
    say(`installed ${path.basename(vsix)}`);
  } else {
    const version = JSON.parse(fs.readFileSync(path.join(EXT_ROOT, "package.json"), "utf8")).version;
    const keep = new Set(["package.json", "dist", "resources", "bundled", "README.md", "LICENSE"]);
    copyDir(EXT_ROOT, path.join(dirs.exts, `ownit.ownit-${version}`), (rel) => rel === "" || keep.has(rel.split(path.sep)[0]));
  }
  const fixture = "ownit-test.ownit-e2e-0.0.1";
  copyDir(path.join(HERE, "fixture-ext"), path.join(dirs.exts, fixture));
  // Once an install wrote extensions.json, VS Code loads only what it lists: add the driver.
  const manifest = path.join(dirs.exts, "extensions.json");
  if (fs.existsSync(manifest)) {
    const entries = JSON.parse(fs.readFileSync(manifest, "utf8"));
    const location = path.join(dirs.exts, fixture);
    entries.push({
      identifier: { id: "ownit-test.ownit-e2e" },
      version: "0.0.1",
      location: { $mid: 1, path: location, scheme: "file" },
      relativeLocation: fixture,
    });
    fs.writeFileSync(manifest, JSON.stringify(entries));
  }

  const bundled = Boolean(vsix) || fs.existsSync(path.join(EXT_ROOT, "bundled/libs/ownit"));
  fs.mkdirSync(path.join(dirs.ud, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.ud, "User/settings.json"),
    JSON.stringify(
      {
        // From a .vsix: no interpreter setting at all, python3 on the PATH runs the bundled server.
        ...(vsix ? {} : { "ownit.interpreter": [PYTHON] }),
        "ownit.importStrategy": bundled ? "useBundled" : "fromEnvironment",
        "ownit.trace.server": "messages",
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.ignoreRecommendations": true,
        "extensions.autoUpdate": false,
        "extensions.autoCheckUpdates": false,
        "editor.inlineSuggest.enabled": true,
        "editor.codeLens": true,
        "editor.minimap.enabled": false,
        "git.enabled": false,
        "chat.commandCenter.enabled": false,
        "update.mode": "none",
      },
      null,
      2,
    ),
  );
  const csConfig = path.join(tmp, "cs.yaml");
  fs.writeFileSync(csConfig, "auth: none\ncert: false\n");

  const port = await freePort();
  const env = {
    ...process.env,
    ...NO_GALLERY,
    OWNIT_E2E_DIR: dirs.signals,
    XDG_CONFIG_HOME: dirs["xdg-config"],
    XDG_DATA_HOME: dirs["xdg-data"],
    XDG_STATE_HOME: dirs["xdg-state"],
    XDG_CACHE_HOME: dirs["xdg-cache"],
    OWNIT_USER_NAME: "E2E Tester",
    OWNIT_USER_EMAIL: "e2e@ownit.invalid",
  };
  start(
    "code-server",
    CODE_SERVER,
    [
      "--config", csConfig, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`,
      "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--extensions-dir", dirs.exts, "--user-data-dir", dirs.ud, dirs.ws,
    ],
    { env, logDir: dirs.logs },
  );
  await waitFor("code-server to listen", async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);
  say(`code-server on port ${port}`);

  const debugPort = await freePort();
  start(
    "chromium",
    "chromium",
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", `--user-data-dir=${dirs.chrome}`, `--remote-debugging-port=${debugPort}`,
      "--window-size=1280,800", `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`,
    ],
    { env: { ...process.env, HOME: dirs.chrome }, logDir: dirs.logs },
  );
  await waitFor("Chromium's DevTools", async () => (await fetch(`http://127.0.0.1:${debugPort}/json/version`)).ok, 30_000);
  pageOrigin = `http://127.0.0.1:${port}`;
  await waitFor(
    "the workbench page",
    async () =>
      (
        await cdp(debugPort, "Runtime.evaluate", {
          expression: `location.href.startsWith(${JSON.stringify(pageOrigin)}) && document.readyState === "complete"`,
          returnByValue: true,
        })
      ).result.value === true,
    30_000,
  );
  say("Chromium connected; waiting for the scenario");

  const deadline = started + TOTAL_TIMEOUT_MS;
  const shot = new Set();
  let result;
  while (!result) {
    if (Date.now() > deadline) {
      await screenshot(debugPort, "vscode-timeout").catch(() => undefined);
      throw new Error(`the scenario did not finish within ${TOTAL_TIMEOUT_MS} ms`);
    }
    for (const file of fs.readdirSync(dirs.signals).sort()) {
      if (file.endsWith(".request") && !shot.has(file)) {
        shot.add(file);
        const name = file.slice(0, -".request".length);
        let answer = "";
        if (name.startsWith("press-")) {
          const { key, code, keyCode } = JSON.parse(fs.readFileSync(path.join(dirs.signals, file), "utf8"));
          await cdp(debugPort, "Input.dispatchKeyEvent", { type: "rawKeyDown", key, code, windowsVirtualKeyCode: keyCode });
          await cdp(debugPort, "Input.dispatchKeyEvent", { type: "keyUp", key, code, windowsVirtualKeyCode: keyCode });
        } else if (name.startsWith("type-")) {
          const request = JSON.parse(fs.readFileSync(path.join(dirs.signals, file), "utf8"));
          answer = JSON.stringify(await typeIntoQuickInput(debugPort, request));
        } else {
          await screenshot(debugPort, name);
        }
        fs.writeFileSync(path.join(dirs.signals, `${name}.done`), answer);
      }
    }
    const resultFile = path.join(dirs.signals, "result.json");
    if (fs.existsSync(resultFile)) {
      try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
      } catch {
        // being written
      }
    }
    await sleep(200);
  }
  if (!result.ok) {
    await screenshot(debugPort, "vscode-failure").catch(() => undefined);
  }
  const logText = fs.existsSync(path.join(dirs.signals, "log.txt")) ? fs.readFileSync(path.join(dirs.signals, "log.txt"), "utf8") : "";
  fs.writeFileSync(path.join(OUTPUT, `${PREFIX}vscode-e2e.log`), logText);
  for (const item of result.checks) {
    say(`${item.ok ? "PASS" : "FAIL"} ${item.name}${item.detail ? ` — ${item.detail}` : ""}`);
  }
  if (!result.ok) {
    const exthost = execFileSync("bash", ["-c", `find ${dirs.ud}/logs -name '*.log' | head -50 | xargs tail -n 30 2>/dev/null || true`]).toString();
    console.log(exthost.slice(-6000));
    throw new Error(`scenario failed: ${result.error}`);
  }
  const passed = result.checks.filter((item) => item.ok).length;
  say(`${passed} passed, 0 failed`);
  if (!process.env.OWNIT_E2E_KEEP) {
    await stopAllAndWait(10_000);
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

const hardStop = setTimeout(() => {
  console.error(`[vscode-e2e] hard timeout after ${TOTAL_TIMEOUT_MS + 60_000} ms`);
  stopAll();
  process.exit(1);
}, TOTAL_TIMEOUT_MS + 60_000);

main().then(
  () => {
    clearTimeout(hardStop);
    stopAll();
    process.exit(0);
  },
  (error) => {
    console.error(`[vscode-e2e] FAILED: ${error.message}`);
    clearTimeout(hardStop);
    stopAll();
    process.exit(1);
  },
);
