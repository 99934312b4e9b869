// The one place the UI schedules repeated work: every view that refreshes itself runs through a poller.
// A run never overlaps the previous one, failures back off exponentially, and nothing runs while the tab is hidden.

const pollers = new Set();
let holds = 0; // bulk actions running: while any runs, no poller runs on its timer

/**
 * Runs work (a bulk action, such as a lesson creating thousands of subnets) with every poller held: the
 * snapshot of the whole network would otherwise be listed again every second, thousands of rows each time,
 * racing the action on the server and in the browser. When the last hold ends every poller runs at once.
 */
export async function withPollersHeld(work) {
  holds++;
  try {
    return await work();
  } finally {
    holds--;
    if (holds === 0) for (const p of pollers) p.released();
  }
}

document.addEventListener('visibilitychange', () => {
  for (const p of pollers) p.visibilityChanged();
});

/**
 * Runs task every `every` ms once started. A task that throws is counted as a failure: the next run waits
 * every * 2^failures ms, at most maxDelay, until a run succeeds again.
 */
export function poller(task, { every = 1000, maxDelay = 16000 } = {}) {
  let started = false;
  let timer = null;
  let inFlight = null; // the run in progress
  let queued = null; // a run asked for while one was in progress: it follows right after
  let failures = 0;

  const delay = () => Math.min(maxDelay, every * 2 ** failures);

  function schedule() {
    clearTimeout(timer);
    timer = started && !document.hidden && holds === 0 ? setTimeout(now, delay()) : null;
  }

  /** Runs the task now (or right after the run in progress); resolves when that run has finished. */
  function now() {
    if (inFlight) {
      queued =
        queued ||
        inFlight.then(() => {
          queued = null;
          return now();
        });
      return queued;
    }
    clearTimeout(timer);
    timer = null;
    inFlight = Promise.resolve()
      .then(task)
      .then(
        () => {
          failures = 0;
        },
        () => {
          failures++;
        },
      ) // the task shows its own errors
      .finally(() => {
        inFlight = null;
        schedule();
      });
    return inFlight;
  }

  const self = {
    /** Starts polling with a run now; a no-op when already started. */
    start() {
      if (started) return;
      started = true;
      pollers.add(self);
      if (!document.hidden) now();
    },
    stop() {
      started = false;
      pollers.delete(self);
      clearTimeout(timer);
      timer = null;
    },
    now,
    /** The wait before the next run, in ms (grows while runs fail). */
    get delay() {
      return delay();
    },
    released() {
      if (!document.hidden && !inFlight) now();
    },
    visibilityChanged() {
      if (document.hidden) {
        clearTimeout(timer);
        timer = null;
      } else if (!inFlight) now();
    },
  };
  return self;
}

const pause = (millis) => new Promise((resolve) => setTimeout(resolve, millis));

/**
 * Asks check() every `every` ms until it answers something other than undefined/null/false, at most `tries`
 * times; answers the last answer (one-off waits inside an action, such as a capture starting).
 */
export async function waitFor(check, { every = 300, tries = 30 } = {}) {
  let answer;
  for (let i = 0; i < tries; i++) {
    answer = await check();
    if (answer !== undefined && answer !== null && answer !== false) return answer;
    if (i < tries - 1) await pause(every);
  }
  return answer;
}
