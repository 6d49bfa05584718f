import { describe, expect, it } from 'vitest';
import { marginPronunciationScore } from './scoring.js';

describe(marginPronunciationScore.name, () => {
  const sut = marginPronunciationScore;

  it.each([0, 0.006, 0.02, 0.05, 0.1, 0.4, 0.85])("scores a take as far from the cohort as the actor's own clip (%f) at 50 or more", (actorMargin) => {
    // With a bar no lower than 0.025, the LibriVox reader's own clip of a line (margin 0.006) scored 9.
    expect(sut(actorMargin, actorMargin)).toBeGreaterThanOrEqual(50);
  });

  it.each([0, 0.006, 0.02, 0.05, 0.1, 0.4, 0.85])('scores a take closer to another line than to the script under 10 (actor margin %f)', (actorMargin) => {
    // Another line in a flite or human voice measured -0.13 to -0.01 on bench/analyzer-dev.
    expect(sut(-0.03, actorMargin)).toBeLessThan(10);
  });

  it('rises with the margin', () => {
    const scores = [-0.1, -0.02, 0, 0.01, 0.03, 0.1, 0.3].map((margin) => sut(margin, 0.2));

    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });
});
