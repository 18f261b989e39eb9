/** Where the runner tells how far it got. All of it goes to stderr, so stdout can stay pure JSON. */
export interface Progress {
  start(totalRuns: number, rounds: number): void;
  /** a run is about to start; `done` runs are finished */
  runStarting(done: number, round: number, label: string): void;
  roundDone(round: number, done: number): void;
  /** a line that must be seen once (a skipped target), whatever the mode */
  note(line: string): void;
  finish(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A bar redraws in place, which only a terminal shows properly; elsewhere one line per round. */
export function progressModeFor(stream: Output, force = false): ProgressMode {
  return stream.isTTY || force ? 'bar' : 'lines';
}

const BAR_WIDTH = 28;
const CLEAR_LINE = '\r\x1b[K';

export function createProgress(mode: ProgressMode, stream: Output = process.stderr): Progress {
  let total = 0;
  let rounds = 0;
  let barShown = '';
  const drawBar = (done: number, round: number, label: string) => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    barShown = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} round ${round}/${rounds} ${label}`;
    stream.write(CLEAR_LINE + barShown);
  };
  return {
    start(totalRuns, roundCount) {
      total = totalRuns;
      rounds = roundCount;
    },
    runStarting(done, round, label) {
      if (mode === 'bar') drawBar(done, round, label);
    },
    roundDone(round, done) {
      if (mode === 'lines') stream.write(`round ${round}/${rounds} done (${done}/${total} runs)\n`);
    },
    note(line) {
      if (mode === 'bar' && barShown) stream.write(`${CLEAR_LINE}${line}\n${barShown}`);
      else stream.write(`${line}\n`);
    },
    finish() {
      if (mode === 'bar' && barShown) stream.write(CLEAR_LINE);
      barShown = '';
    },
  };
}

/** Prints nothing but the notes; what tests and library callers get by default. */
export const SILENT_PROGRESS: Progress = createProgress('none', { write: () => true });
