/** One desk of section 7b (bench/desk.ts's runDesk) in its own process, so three desks can run side by side. */
import { runDesk, type DeskOptions } from './desk.js';
import { serveJobs } from './processes.js';

serveJobs({ pid: process.pid }, async (job: { type: string; options: DeskOptions }) => {
  if (job.type !== 'desk') throw new Error(`unknown job ${job.type}`);
  return runDesk(job.options);
});
