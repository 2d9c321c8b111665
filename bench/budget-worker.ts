/**
 * One budget run (bench/load.ts's runLoad) in its own process, so the runner can read that process's peak RSS and
 * a run's memory never carries into the next.
 */
import { runLoad, type LoadOptions } from './load.js';
import { serveJobs } from './processes.js';

serveJobs({ pid: process.pid }, async (job: { type: string; options: LoadOptions }) => {
  if (job.type !== 'load') throw new Error(`unknown job ${job.type}`);
  return runLoad(job.options);
});
