/** Where a YuE run is, read from its output: the stage and the percent of the whole run. */
export interface YueProgress {
  percent: number;
  stage: 'loading' | 'stage1' | 'stage2' | 'mixing';
  message: string;
}

const PERCENT = /(\d{1,3})%\|/;
const STAGE1 = /stage\s*1/i;
const STAGE2 = /stage\s*2/i;
const STAGE2_DONE = /stage\s*2\s+done/i;

/**
 * Follows infer.py's output line by line (tqdm redraws with `\r`, so both end a line). Stage 1 (the 7B model,
 * one tqdm step per lyrics section: `Stage1 inference...:  50%|`) maps to 5-60 %, stage 2 (after `Stage 2
 * inference...`, a bare tqdm bar over the tracks) to 60-95 %, and `Stage 2 DONE.` (vocoder, mixing, post-processing)
 * to 95 %. Before any marker the models are loading (2 %). The percent never goes back.
 */
export class YueProgressReader {
  private current: YueProgress = { percent: 2, stage: 'loading', message: 'Loading the YuE models' };

  get progress(): YueProgress {
    return this.current;
  }

  /** Reads one line; true when the stage or the percent changed. */
  read(line: string): boolean {
    const before = this.current;
    let stage = before.stage;
    if (STAGE2_DONE.test(line)) stage = 'mixing';
    else if (STAGE2.test(line) && stage !== 'mixing') stage = 'stage2';
    else if (STAGE1.test(line) && stage === 'loading') stage = 'stage1';

    const bar = PERCENT.exec(line);
    const within = bar ? Math.min(100, Number(bar[1])) / 100 : 0;
    let percent: number;
    let message: string;
    switch (stage) {
      case 'loading':
        // A bar before any stage marker (checkpoint shards loading) tells nothing about the song.
        percent = 2;
        message = before.message;
        break;
      case 'stage1':
        percent = 5 + within * 55;
        message = `YuE stage 1: ${Math.round(within * 100)} % of the sections`;
        break;
      case 'stage2':
        percent = 60 + within * 35;
        message = `YuE stage 2: ${Math.round(within * 100)} % of the tracks`;
        break;
      case 'mixing':
        percent = 95;
        message = 'YuE is mixing the tracks';
        break;
    }
    percent = Math.max(before.percent, Math.round(percent * 10) / 10);
    if (stage === before.stage && percent === before.percent) return false;
    this.current = { percent, stage, message };
    return true;
  }
}
