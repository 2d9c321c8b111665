/**
 * A small Dockerfile reader and interpreter, for a machine without a Docker daemon: it parses the instructions this
 * repository's Dockerfile uses and performs them in a temporary directory, one folder per stage standing for the
 * stage's root file system. What it cannot reproduce is explicit: the base image's own files (this machine's Node
 * stands in for the image's, checked to be the same major version), `apt-get install` (checked to be satisfied by
 * this machine's tools instead of run), and users (recorded and checked, not switched to).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** One instruction: its keyword, its `--flag=value` options and its arguments (exec form as a JSON array). */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** the text after the flags (shell form), or null for exec form */
  shell: string | null;
  /** exec form's array, or null for shell form */
  exec: string[] | null;
  line: number;
}

/** A stage: `FROM <image> AS <name>` and its instructions. */
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** A parsed Dockerfile: the ARGs before the first FROM (with defaults) and the stages in order. */
export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

/** Joins continuation lines, drops comments and the parser directive, splits flags and exec-form arguments. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\')) {
      line = line.slice(0, -1).trimEnd();
      // Comment lines inside a continued instruction are removed, as Docker does.
      do i++;
      while (i < lines.length && /^\s*#/.test(lines[i]!));
      line += ' ' + (lines[i] ?? '').trim();
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    let rest = match[2]!.trim();
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest); flag; flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[flag[1]!] = flag[2]!;
      rest = rest.slice(flag[0].length);
    }
    const keyword = match[1]!.toUpperCase();
    let exec: string[] | null = null;
    // HEALTHCHECK's own command follows its CMD keyword.
    const execText = keyword === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
    if (execText.startsWith('[')) exec = JSON.parse(execText) as string[];
    instructions.push({ keyword, flags, shell: exec ? null : rest, exec, line: start + 1 });
  }
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image, as, name] = ins.shell!.split(/\s+/);
      if (as?.toUpperCase() !== 'AS' || !name)
        throw new Error(`Dockerfile line ${ins.line}: every stage needs a name (FROM image AS name)`);
      stages.push({ name, from: image!.replace(/\$\{(\w+)\}/g, (_, v: string) => globalArgs[v] ?? ''), instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: only ARG may come before the first FROM`);
      const [name, value = ''] = ins.shell!.split('=');
      globalArgs[name!] = value;
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** Docker's .dockerignore rules: Go filepath.Match patterns plus `**`, `!` exceptions, the last match wins. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const source = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '(?:.*)'
            : part
                .replace(/[.+^${}()|\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  // A path is excluded when it, or a folder above it, matches: excluding a folder excludes its contents.
  return (path: string) => {
    const parts = path.split('/');
    let excluded = false;
    for (const rule of rules) {
      for (let n = 1; n <= parts.length; n++) {
        if (rule.regex.test(parts.slice(0, n).join('/'))) {
          excluded = !rule.negate;
          break;
        }
      }
    }
    return excluded;
  };
}

/** How the interpreter records what it could only check, not do. */
export interface StageResult {
  name: string;
  /** the folder standing for the stage's root file system */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  exposed: string[];
  healthcheck: Instruction | null;
  cmd: string[] | null;
  /** every `COPY --chown` owner */
  chowns: string[];
  /** `apt-get install` packages, checked against this machine instead of installed */
  systemPackages: string[];
}

/** Options of a run: the build context, where stages are built, and the environment RUN steps get on top of `baseEnv`. */
export interface BuildOptions {
  context: string;
  workspace: string;
  baseEnv: NodeJS.ProcessEnv;
  /** called before each step, for the test's log */
  onStep?: (stage: string, ins: Instruction) => void;
}

/** The Debian packages of an `apt-get install` RUN and the host commands that stand for them. */
const HOST_TOOLS: Record<string, string> = { python3: 'python3', make: 'make', 'g++': 'g++', openssl: 'openssl' };

/** Performs every stage in order; returns each stage's result by name. */
export function buildDockerfile(file: Dockerfile, opts: BuildOptions): Map<string, StageResult> {
  const results = new Map<string, StageResult>();
  const ignored = dockerignore(
    existsSync(join(opts.context, '.dockerignore')) ? readFileSync(join(opts.context, '.dockerignore'), 'utf8') : '',
  );
  for (const stage of file.stages) {
    const root = join(opts.workspace, stage.name);
    const parent = results.get(stage.from);
    // FROM an earlier stage starts from its file system and settings; FROM an image starts empty (the image's own
    // files are not reproduced: this machine's Node stands in for the image's).
    if (parent) cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
    else mkdirSync(root, { recursive: true });
    const state: StageResult = parent
      ? { ...parent, name: stage.name, root, env: { ...parent.env }, exposed: [...parent.exposed], chowns: [...parent.chowns] }
      : {
          name: stage.name,
          root,
          workdir: '/',
          env: {},
          user: null,
          exposed: [],
          healthcheck: null,
          cmd: null,
          chowns: [],
          systemPackages: [],
        };
    const inRoot = (path: string) => join(root, posix.resolve(state.workdir, path));
    for (const ins of stage.instructions) {
      opts.onStep?.(stage.name, ins);
      switch (ins.keyword) {
        case 'WORKDIR':
          state.workdir = posix.resolve(state.workdir, ins.shell!);
          mkdirSync(inRoot('.'), { recursive: true });
          break;
        case 'ENV': {
          const [name, ...value] = ins.shell!.split('=');
          if (!name || value.length === 0) throw new Error(`Dockerfile line ${ins.line}: use ENV NAME=value`);
          state.env[name] = value.join('=');
          break;
        }
        case 'ARG':
          break;
        case 'USER':
          state.user = ins.shell!;
          break;
        case 'EXPOSE':
          state.exposed.push(...ins.shell!.split(/\s+/));
          break;
        case 'HEALTHCHECK':
          state.healthcheck = ins;
          break;
        case 'CMD':
          state.cmd = ins.exec;
          break;
        case 'COPY':
          copy(ins, state, inRoot, results, opts.context, ignored);
          break;
        case 'RUN':
          run(ins, state, inRoot('.'), opts.baseEnv);
          break;
        default:
          throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} is not an instruction this interpreter knows`);
      }
    }
    results.set(stage.name, state);
  }
  return results;
}

function copy(
  ins: Instruction,
  state: StageResult,
  inRoot: (path: string) => string,
  stages: Map<string, StageResult>,
  context: string,
  ignored: (path: string) => boolean,
): void {
  const args = ins.exec ?? ins.shell!.split(/\s+/);
  const dest = args.at(-1)!;
  const sources = args.slice(0, -1);
  if (sources.some((s) => /[*?[]/.test(s))) throw new Error(`Dockerfile line ${ins.line}: wildcards are not supported here`);
  if (ins.flags.chown) state.chowns.push(ins.flags.chown);
  const from = ins.flags.from;
  const fromStage = from === undefined ? undefined : stages.get(from);
  if (from !== undefined && !fromStage) throw new Error(`Dockerfile line ${ins.line}: no earlier stage named ${from}`);
  const intoFolder = dest.endsWith('/') || dest === '.' || sources.length > 1;
  for (const source of sources) {
    const sourcePath = fromStage ? join(fromStage.root, posix.resolve(fromStage.workdir, source)) : join(context, source);
    if (!existsSync(sourcePath)) throw new Error(`Dockerfile line ${ins.line}: COPY source ${source} does not exist`);
    const target = intoFolder && !statSync(sourcePath).isDirectory() ? join(inRoot(dest), posix.basename(source)) : inRoot(dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(sourcePath, target, {
      recursive: true,
      verbatimSymlinks: true,
      // Only the build context is filtered by .dockerignore; another stage's files are copied as they are.
      filter: fromStage ? undefined : (path) => path === sourcePath || !ignored(relative(context, path).split('\\').join('/')),
    });
  }
}

function run(ins: Instruction, state: StageResult, cwd: string, baseEnv: NodeJS.ProcessEnv): void {
  const mount = ins.flags.mount;
  // A BuildKit cache mount for npm keeps the cache out of the layer; here npm's own cache on this machine plays it.
  if (mount !== undefined && mount !== 'type=cache,target=/root/.npm') {
    throw new Error(`Dockerfile line ${ins.line}: only the npm cache mount is supported, not ${mount}`);
  }
  let command = ins.shell!;
  const apt =
    /^apt-get update\s+&&\s+apt-get install -y --no-install-recommends ([\w+.\- ]+?)\s+&&\s+rm -rf \/var\/lib\/apt\/lists\/\*$/.exec(
      command,
    );
  if (apt) {
    // System packages are not installed on this machine: the tools they provide must already be here.
    const packages = apt[1]!.split(/\s+/);
    for (const pkg of packages) {
      const tool = HOST_TOOLS[pkg];
      if (!tool) throw new Error(`Dockerfile line ${ins.line}: no host tool stands for the Debian package ${pkg}`);
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    }
    state.systemPackages.push(...packages);
    return;
  }
  // The image's `node` user owns what `chown node:node` names; this machine may have no such user, so ownership is
  // recorded (chowns) and the rest of the command runs.
  command = command.replace(/\s*&&\s*chown (\S+) (\S+)$/, (_, owner: string) => {
    state.chowns.push(owner);
    return '';
  });
  const result = spawnSync('sh', ['-c', command], {
    cwd,
    env: { ...baseEnv, ...state.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`Dockerfile line ${ins.line}: RUN ${command} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
}

/** True when `path` (relative to a stage root's folder) exists. */
export function existsIn(root: string, path: string): boolean {
  return existsSync(join(root, path));
}

/** The entries of a folder in a stage, sorted. */
export function listIn(root: string, path: string): string[] {
  return readdirSync(join(root, path)).sort();
}
