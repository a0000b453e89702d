// What Linux's /proc says of a process, for the benchmarks: its CPU time and peak memory.
// A process that is gone (or going) reads as null.
import fs from "node:fs/promises";

/** User + system CPU time of a process, in ms (utime and stime, in USER_HZ = 1/100 s). */
export async function processCpuMs(pid: number | string): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (stat === null) return null;
  // The command name may hold spaces and parentheses: the fields start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's peak resident memory so far (VmHWM), in KB; null once it has none to report. */
export async function processPeakRssKb(pid: number | string): Promise<number | null> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => null);
  const match = status === null ? null : /VmHWM:\s+(\d+)/.exec(status);
  return match ? Number(match[1]) : null;
}

/** Busy core-seconds of the whole machine since boot, all cores together (/proc/stat, in
 *  USER_HZ = 1/100 s): user, nice, system, irq, softirq and steal; idle and iowait left out. */
export async function machineBusyCoreSeconds(): Promise<number> {
  const fields = (await fs.readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}
