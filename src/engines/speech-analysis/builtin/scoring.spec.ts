import { describe, expect, it } from 'vitest';
import { marginPronunciationScore } from './scoring.js';

describe(marginPronunciationScore.name, () => {
  const sut = marginPronunciationScore;

  it.each([0, 0.006, 0.02, 0.05, 0.1, 0.4, 0.85])("scores a take as far from the cohort as the actor's own clip (%f) at 50 or more", (actorMargin) => {
    // With a bar no lower than 0.025 (on cepstra), the LibriVox reader's own clip of a line (margin 0.006) scored 9.
    expect(sut(actorMargin, actorMargin)).toBeGreaterThanOrEqual(50);
  });

  it.each([0, 0.006, 0.02, 0.05, 0.1, 0.4, 0.85])('scores a take closer to another line than to the script under 10 (actor margin %f)', (actorMargin) => {
    // Another line in a flite or human voice measured -0.12 to 0.005 on bench/analyzer-dev (but for two-word lines sharing a word).
    expect(sut(-0.03, actorMargin)).toBeLessThan(10);
  });

  it.each([0.4, 0.85])('passes a take of the right line in a voice unlike eSpeak\'s against an actor close to eSpeak (actor margin %f), and fails another line in eSpeak\'s voice', (actorMargin) => {
    // Another line in an eSpeak voice measured up to 0.09, and festival's voices saying the right line against an eSpeak
    // actor from -0.004 (median 0.2) on bench/analyzer-dev. With the bar up to 0.12 a margin of 0.1 scored 38 (on
    // cepstra, festival's voices saying the right line against an eSpeak actor scored under 50 in 7 of 12 takes).
    expect(sut(0.1, actorMargin)).toBeGreaterThanOrEqual(50);
    expect(sut(0.07, actorMargin)).toBeLessThan(50);
  });

  it.each([0.05, 0.15])("passes the right line in another voice at 45 %% of a flite or human actor's margin (%f)", (actorMargin) => {
    // Against flite and human actors, other voices saying the right line reach 0.06-22 times the actor's margin.
    // With the bar at half the actor's margin this scored 43, and the alsa-utils family's Kendall tau was 0.832 (0.860).
    expect(sut(0.45 * actorMargin, actorMargin)).toBeGreaterThanOrEqual(50);
  });

  it('rises with the margin', () => {
    const scores = [-0.1, -0.02, 0, 0.01, 0.03, 0.1, 0.3].map((margin) => sut(margin, 0.2));

    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });
});
