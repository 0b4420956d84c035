/**
 * Which command runs the ownit server: `ownit.serverPath`, else an interpreter from
 * `ownit.interpreter`, the Python extension's selected environment, or python3 on the PATH,
 * with the bundled ownit (bundled/libs on PYTHONPATH) unless `ownit.importStrategy` says
 * `fromEnvironment`. Every candidate is checked (Python ≥ 3.11, ownit importable) before use.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

export interface ServerCommand {
  readonly command: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly description: string;
}

export interface NoServer {
  readonly problem: string;
  readonly fix: string;
}

interface PythonEnvironmentsApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(
      environment: { id: string; path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

const MIN_PYTHON: readonly [number, number] = [3, 11];

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 15_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error((stderr || error.message).trim()));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

async function pythonExtensionApi(): Promise<PythonEnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonEnvironmentsApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

/** Fires when the Python extension's selected interpreter changes (so the server restarts). */
export async function onPythonInterpreterChanged(
  listener: () => void,
): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtensionApi();
  return api?.environments?.onDidChangeActiveEnvironmentPath(() => listener());
}

async function interpreterFromPythonExtension(
  resource: vscode.Uri | undefined,
): Promise<string | undefined> {
  const environments = (await pythonExtensionApi())?.environments;
  if (!environments) {
    return undefined;
  }
  try {
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}

/** The bundled libraries folder, when this build of the extension has one. */
export function bundledLibs(extensionPath: string): string | undefined {
  const libs = path.join(extensionPath, "bundled", "libs");
  return fs.existsSync(path.join(libs, "ownit")) ? libs : undefined;
}

export async function resolveServerCommand(
  extensionPath: string,
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<ServerCommand | NoServer> {
  const config = vscode.workspace.getConfiguration("ownit", resource);
  const serverPath = config.get<string>("serverPath", "").trim();
  if (serverPath) {
    return {
      command: serverPath,
      args: ["lsp"],
      env: { ...process.env },
      description: `${serverPath} lsp (ownit.serverPath)`,
    };
  }

  const candidates: { argv: string[]; origin: string }[] = [];
  const configured = config.get<string[] | string>("interpreter", []);
  const configuredArgv = (Array.isArray(configured) ? configured : [configured]).filter(
    (part) => typeof part === "string" && part.length > 0,
  );
  if (configuredArgv.length > 0) {
    candidates.push({ argv: configuredArgv, origin: "ownit.interpreter" });
  } else {
    const fromExtension = await interpreterFromPythonExtension(resource);
    if (fromExtension) {
      candidates.push({ argv: [fromExtension], origin: "the Python extension's interpreter" });
    }
    for (const name of process.platform === "win32" ? ["py", "python"] : ["python3", "python"]) {
      candidates.push({ argv: name === "py" ? ["py", "-3"] : [name], origin: `${name} on the PATH` });
    }
  }

  const libs =
    config.get<string>("importStrategy", "useBundled") === "useBundled"
      ? bundledLibs(extensionPath)
      : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUTF8: "1", PYTHONNOUSERSITE: libs ? "1" : undefined };
  if (libs) {
    env["PYTHONPATH"] = [libs, process.env["PYTHONPATH"]].filter(Boolean).join(path.delimiter);
  }

  const problems: string[] = [];
  for (const { argv, origin } of candidates) {
    const [command, ...prefix] = argv as [string, ...string[]];
    let version: string;
    try {
      version = await run(command, [...prefix, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], env);
    } catch (error) {
      problems.push(`${origin} (${argv.join(" ")}): cannot run it (${String((error as Error).message).split("\n")[0]})`);
      continue;
    }
    const [major, minor] = version.split(".").map(Number) as [number, number];
    if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
      problems.push(`${origin} (${argv.join(" ")}) is Python ${version}; ownit needs ${MIN_PYTHON.join(".")} or newer`);
      continue;
    }
    try {
      await run(command, [...prefix, "-c", "import ownit.lsp.server"], env);
    } catch (error) {
      const last = String((error as Error).message).split("\n").pop();
      problems.push(
        `${origin} (${argv.join(" ")}, Python ${version}) cannot import ownit${libs ? "" : " (this build bundles no server)"}: ${last}`,
      );
      continue;
    }
    log.info(`server: ${argv.join(" ")} -m ownit lsp (${origin}, Python ${version}${libs ? ", bundled ownit" : ""})`);
    return {
      command,
      args: [...prefix, "-m", "ownit", "lsp"],
      env,
      description: `${argv.join(" ")} -m ownit lsp (${origin}, Python ${version})`,
    };
  }
  return {
    problem: `ownit found no usable Python ≥ 3.11: ${problems.join("; ") || "no interpreter to try"}.`,
    fix:
      "Install Python 3.11 or newer and select it with 'Python: Select Interpreter', or set " +
      "'ownit.interpreter' to its path" +
      (libs ? "." : " (with ownit installed in it: pip install ownit), or 'ownit.serverPath' to an ownit executable."),
  };
}

export function isNoServer(value: ServerCommand | NoServer): value is NoServer {
  return (value as NoServer).problem !== undefined;
}
