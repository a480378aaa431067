import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second (`getconf CLK_TCK`), 100 on every common kernel. */
const TICKS = 100;

/** User + system CPU seconds of a process so far, from /proc (undefined elsewhere or once it is gone). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at "state", field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** CPU seconds of every process whose command name is one of `names`, summed by name. */
function cpuByCommand(names: readonly string[]): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>(names.map((name) => [name, new Map()]));
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return result;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const byPid = result.get(command);
      if (!byPid) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(Number(pid), (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return result;
}

/** The servers the system uses, when they run on this machine: their share is part of the cost. */
const SERVERS = ['postgres', 'nats-server', 'redis-server'] as const;

/** Busy and total CPU time of the whole machine so far (all cores), in ticks. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU use over a window, per named process (in cores: 1.0 = one core busy) and machine-wide. */
export class CpuWindow {
  private startedAt = 0;
  private readonly before = new Map<string, number | undefined>();
  private machineBefore: { busy: number; total: number } | undefined;
  private serversBefore = new Map<string, Map<number, number>>();
  private result: { processes: Record<string, number>; machineBusy: number | undefined } | undefined;

  constructor(private readonly processes: Record<string, number>) {}

  start(): void {
    this.startedAt = performance.now();
    for (const [name, pid] of Object.entries(this.processes)) this.before.set(name, processCpuSeconds(pid));
    this.machineBefore = machineTicks();
    this.serversBefore = cpuByCommand(SERVERS);
  }

  end(): void {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.processes)) {
      const before = this.before.get(name);
      const after = processCpuSeconds(pid);
      if (before !== undefined && after !== undefined) processes[name] = (after - before) / seconds;
    }
    // Per server, the processes alive at both ends (Postgres backends come and go; the pools keep theirs).
    const serversAfter = cpuByCommand(SERVERS);
    for (const name of SERVERS) {
      const before = this.serversBefore.get(name);
      const after = serversAfter.get(name);
      if (!before || !after || after.size === 0) continue;
      // A server this target does not use (the bare relay uses none) is left out of the line.
      let used = 0;
      for (const [pid, cpu] of after) used += cpu - (before.get(pid) ?? cpu);
      if (used / seconds >= 0.01) processes[name] = used / seconds;
    }
    const machineAfter = machineTicks();
    const machineBusy =
      this.machineBefore && machineAfter
        ? (machineAfter.busy - this.machineBefore.busy) / (machineAfter.total - this.machineBefore.total)
        : undefined;
    this.result = { processes, machineBusy };
  }

  /** `bench 0.41, gateway 0.62 cores; machine 78 % busy`. */
  describe(): string {
    if (!this.result) return 'not measured';
    const parts = Object.entries(this.result.processes).map(([name, cores]) => `${name} ${cores.toFixed(2)}`);
    const machine =
      this.result.machineBusy === undefined ? '' : `; machine ${(100 * this.result.machineBusy).toFixed(0)} % busy`;
    return `${parts.join(', ')} cores${machine}`;
  }
}
